// carebook serve: reloads the page after each successful rebuild and shows
// build problems over the page until they are fixed. Injected only by
// `carebook serve`; built sites never contain it.
(function () {
  'use strict';
  var overlay = null;

  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  // Problems come from the author's own files, but are still shown with
  // textContent: nothing in them is ever treated as HTML.
  function showOverlay(problems) {
    hideOverlay();
    overlay = document.createElement('div');
    overlay.id = 'carebook-serve-problems';
    overlay.setAttribute('role', 'alert');
    // Opaque (issue #15): a see-through box let the page's header show
    // through the problems, and made both hard to read.
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#141414;' +
      'opacity:1;color:#fff;font:16px/1.5 system-ui,sans-serif;padding:1.5rem;margin:0;box-sizing:border-box';
    var title = document.createElement('h2');
    title.textContent = 'The site could not be rebuilt. The last good version is still being served.';
    title.style.cssText = 'margin:0 0 1rem;font-size:1.25rem;color:#ffd479';
    overlay.appendChild(title);
    var list = document.createElement('ul');
    list.style.cssText = 'margin:0;padding-left:1.2rem';
    problems.forEach(function (problem) {
      var item = document.createElement('li');
      item.style.marginBottom = '.75rem';
      var where = document.createElement('code');
      where.textContent = problem.path + ':' + problem.line + ':' + problem.column;
      // The theme's light <code> background would hide this light text.
      where.style.cssText = 'color:#9fd3ff;background:#2b2b2b;padding:0 .25em';
      item.appendChild(where);
      item.appendChild(document.createTextNode(' ' + problem.severity + ': ' + problem.message));
      if (problem.hint) {
        var hint = document.createElement('div');
        hint.textContent = 'Hint: ' + problem.hint;
        hint.style.color = '#d8d8d8';
        item.appendChild(hint);
      }
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var note = document.createElement('p');
    note.textContent = 'Fix the file and save it: this page reloads by itself.';
    overlay.appendChild(note);
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Hide';
    close.style.cssText = 'font:inherit;padding:.5rem 1rem;min-height:44px';
    close.addEventListener('click', hideOverlay);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  var events = new EventSource('/__carebook/events');
  events.addEventListener('reload', function () { location.reload(); });
  events.addEventListener('problems', function (event) { showOverlay(JSON.parse(event.data)); });
})();
