/* Signed out while a page is open (idle timeout, account disabled, wall token revoked): Dash's
   callbacks then get 401; reload once so the server sends the browser to /login. */
(function () {
  if (!window.fetch || window.__dashboardAuthWatch) return;
  window.__dashboardAuthWatch = true;
  var original = window.fetch;
  var reloading = false;
  window.fetch = function () {
    return original.apply(this, arguments).then(function (response) {
      if (response.status === 401 && !reloading && response.url.indexOf("/_dash-") !== -1) {
        reloading = true;
        window.location.reload();
      }
      return response;
    });
  };
})();
