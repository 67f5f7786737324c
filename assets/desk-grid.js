/* AG Grid cell renderer of the desk pages: a link that navigates inside the Dash app. */
(function () {
  var funcs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

  // Flask routes, not Dash pages: the browser loads them itself (/court/<code> selects a court)
  var SERVER_PATHS = ["/court/", "/export/"];

  function go(event, href) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    if (SERVER_PATHS.some(function (p) { return href.indexOf(p) === 0; })) return;
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

/* /cases: a long list's grid uses the infinite row model (callbacks.desk.cases.page_block). When
   the page's callback sends a new list (first load, live refresh), the grid re-reads the blocks it
   holds: sort, filter and scroll position stay. */
(function () {
  function rereadPaged(total, gridId) {
    if (total && total.paged && window.dash_ag_grid) {
      try {
        var api = window.dash_ag_grid.getApi(gridId);
        if (!api) return window.dash_clientside.no_update;
        // the first paged list this grid shows: start from its first block; later: re-read
        if (api.__deskPaged) { api.refreshInfiniteCache(); } else { api.__deskPaged = true; api.purgeInfiniteCache(); }
      } catch (e) { /* the grid is not ready yet: it asks for its first block itself */ }
    }
    return window.dash_clientside.no_update;
  }
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    desk: Object.assign({}, (window.dash_clientside || {}).desk, { rereadPaged: rereadPaged })
  });
}());
