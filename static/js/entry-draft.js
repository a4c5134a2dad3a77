/*
 * The monthly entry page (本月填报): what a liaison types is kept in this browser until it is saved.
 *
 * On a phone a connection is easily lost between typing and saving. Every change to a row's fields
 * is written to localStorage, one draft per user, month and row (with the row's version as the page
 * showed it). When the page loads again, a draft that differs from the fields is offered back
 * (恢复 / 丢弃). A saved row gets a new version from the server, so its draft is dropped then; a
 * draft equal to the fields holds nothing unsaved and is dropped too, except on the page of a
 * refused save, whose fields hold what was posted and not stored. The page works without this
 * script: it only adds the draft and opens the collapsed parts a link points into.
 */
(function () {
  "use strict";

  // Set in base.html, where layout.js also reads it to drop every draft at logout.
  var ROOT = document.documentElement.getAttribute("data-draft-root") || "minsheng:entry-draft:";
  var KEEP_DAYS = 40;
  var form = document.querySelector("form.sheet[data-draft-key]");
  if (!form) {
    return;
  }
  var store = (function () {
    try {
      var storage = window.localStorage;
      storage.setItem(ROOT + "probe", "1");
      storage.removeItem(ROOT + "probe");
      return storage;
    } catch (error) {
      return null; // private mode, storage full or switched off: the page works without drafts
    }
  })();
  var prefix = ROOT + form.getAttribute("data-draft-key") + ":";
  var refused = form.hasAttribute("data-refused");
  var offer = document.getElementById("draft-offer");
  var state = form.querySelector(".save-state");

  function cards() {
    return Array.prototype.slice.call(form.querySelectorAll("section.row-card[data-row]"));
  }

  function fieldsOf(card) {
    return Array.prototype.slice.call(
      card.querySelectorAll(
        "input[name]:not([type=hidden]):not([disabled]), select[name]:not([disabled]), textarea[name]:not([disabled])"
      )
    );
  }

  function valueOf(field) {
    return field.type === "checkbox" ? (field.checked ? "1" : "") : field.value;
  }

  function setValue(field, value) {
    if (field.type === "checkbox") {
      field.checked = value === "1";
    } else {
      field.value = value;
    }
  }

  function versionOf(card) {
    var version = card.querySelector("input[type=hidden][name$='-version']");
    return version ? version.value : "";
  }

  function snapshot(card) {
    var values = {};
    fieldsOf(card).forEach(function (field) {
      values[field.name] = valueOf(field);
    });
    return values;
  }

  function differs(draft, card) {
    var now = snapshot(card);
    return Object.keys(draft).some(function (name) {
      return name in now && now[name] !== draft[name];
    });
  }

  function read(key) {
    try {
      return JSON.parse(store.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function say(text) {
    if (state) {
      state.textContent = text || "";
    }
  }

  function openAround(element) {
    for (var node = element; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
  }

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target) {
      openAround(target);
      if (target.tagName === "DETAILS") {
        target.open = true;
      }
    }
  }

  // A link into a collapsed part (the rows only reporting progress, the list of open rows) opens it.
  window.addEventListener("hashchange", openTarget);
  openTarget();

  if (!store) {
    return;
  }

  // Drafts of long ago (another month, a row since removed) are not kept for ever.
  var now = Date.now();
  for (var index = store.length - 1; index >= 0; index -= 1) {
    var key = store.key(index);
    if (key && key.indexOf(ROOT) === 0) {
      var old = read(key);
      if (!old || !old.at || now - old.at > KEEP_DAYS * 86400000) {
        store.removeItem(key);
      }
    }
  }

  // Just saved (the whole form, or nothing at all): no draft of this month holds anything unsaved.
  if (form.hasAttribute("data-saved")) {
    for (var at = store.length - 1; at >= 0; at -= 1) {
      var name = store.key(at);
      if (name && name.indexOf(prefix) === 0) {
        store.removeItem(name);
      }
    }
    if (window.history.replaceState) {
      // A reload later must not clear what was typed after this save.
      var url = new URL(window.location.href);
      url.searchParams.delete("saved");
      window.history.replaceState(null, "", url.toString());
    }
  }

  var offered = [];
  cards().forEach(function (card) {
    var key = prefix + card.getAttribute("data-row");
    var draft = read(key);
    if (!draft || !draft.values) {
      return;
    }
    if (draft.version !== versionOf(card) || !fieldsOf(card).length) {
      store.removeItem(key); // saved since (a new version), or locked: nothing to offer
    } else if (differs(draft.values, card)) {
      offered.push({ card: card, key: key, values: draft.values });
    } else if (!refused) {
      store.removeItem(key);
    }
  });

  if (offered.length && offer) {
    var rows = offer.querySelector(".draft-rows");
    var names = offered.slice(0, 3).map(function (item) {
      return item.card.getAttribute("data-name");
    });
    rows.textContent =
      names.join("、") +
      (offered.length > 3 ? rows.getAttribute("data-more").replace("%s", String(offered.length)) : "");
    offer.hidden = false;
    offer.addEventListener("click", function (event) {
      var choice = event.target.getAttribute("data-draft");
      if (!choice) {
        return;
      }
      offered.forEach(function (item) {
        if (choice === "restore") {
          fieldsOf(item.card).forEach(function (field) {
            if (field.name in item.values && valueOf(field) !== item.values[field.name]) {
              setValue(field, item.values[field.name]);
              openAround(field);
            }
          });
        } else {
          store.removeItem(item.key);
        }
      });
      offer.hidden = true;
      say(choice === "restore" ? form.getAttribute("data-restored") : "");
      var first = choice === "restore" ? fieldsOf(offered[0].card)[0] : null;
      if (first) {
        first.focus();
      }
    });
  }

  function keep(event) {
    var card = event.target.closest && event.target.closest("section.row-card[data-row]");
    if (!card || !event.target.name) {
      return;
    }
    var draft = { version: versionOf(card), values: snapshot(card), at: Date.now() };
    try {
      store.setItem(prefix + card.getAttribute("data-row"), JSON.stringify(draft));
      say(form.getAttribute("data-unsaved"));
    } catch (error) {
      say(""); // storage full: the typed values are still in the page
    }
  }

  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
})();
