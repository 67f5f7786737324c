/* AG Grid cell renderer of the desk pages: a link that navigates inside the Dash app. */
(function () {
  var funcs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

  function go(event, href) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    window.history.pushState({}, "", href);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  }

  funcs.DeskLink = function (props) {
    var params = props.colDef.cellRendererParams || {};
    var data = props.data || {};
    var href = data[params.hrefField];
    var text = params.textField ? data[params.textField] : props.value;
    if (text === null || text === undefined || text === "") text = "—";
    if (!href) return React.createElement("span", null, String(text));
    return React.createElement(
      "a",
      { href: href, className: "desk-link", onClick: function (e) { go(e, href); } },
      String(text)
    );
  };
})();
