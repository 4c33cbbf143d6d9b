// htmx swaps no 4xx/5xx answer by default; ours are error fragments meant to be read.
// An element with data-error-target="<selector>" receives the error fragments of the
// requests made inside it, in place of its content.
document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  if (detail.xhr.status < 400) return;
  const holder = detail.requestConfig.elt.closest("[data-error-target]");
  const target = holder && document.querySelector(holder.dataset.errorTarget);
  if (!target) return;
  detail.shouldSwap = true;
  detail.isError = false;
  detail.target = target;
  detail.swapOverride = "innerHTML";
});
