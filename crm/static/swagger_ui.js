// Starts Swagger UI on /docs with the configuration the page carries as data (a JSON
// block, which no Content-Security-Policy counts as a script).
window.addEventListener("load", function () {
  var element = document.getElementById("swagger-ui-config");
  var config = JSON.parse(element.textContent);
  config.url = element.dataset.url;
  config.dom_id = "#swagger-ui-container";
  window.ui = SwaggerUIBundle(config);
});
