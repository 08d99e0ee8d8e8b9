// The Attribute form's pickers: each text input with data-suggest becomes a search box that
// suggests records from the JSON API as one types (by id or name), and a list of picked chips,
// each submitted as its own value (techniques=T1566.001&techniques=T1059). Without JavaScript
// the plain comma-separated inputs work as they are.
(function () {
  "use strict";
  const LIMIT = 8;
  const DELAY = 150;

  document.querySelectorAll("input[data-suggest]").forEach(enhance);

  function enhance(field) {
    const name = field.name;
    const key = field.dataset.key;
    const endpoint = field.dataset.suggest;
    const picker = element("div", "picker");
    const chips = element("ul", "picked");
    chips.setAttribute("aria-label", field.labels[0].textContent + " picked");
    const search = element("input", "picker-search");
    const list = element("ul", "suggestions");
    Object.assign(search, { type: "text", id: field.id, autocomplete: "off", spellcheck: false });
    search.setAttribute("aria-describedby", field.getAttribute("aria-describedby"));
    list.id = field.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-autocomplete", "list");
    search.setAttribute("aria-controls", list.id);
    search.setAttribute("aria-expanded", "false");
    picker.append(chips, search, list);
    field.replaceWith(picker);
    const hint = document.getElementById(field.getAttribute("aria-describedby"));
    hint.textContent = "Pick from the suggestions with the mouse or ↑ ↓ and Enter.";
    const invalid = new Set((field.dataset.invalid || "").split(" "));

    let options = [];
    let active = -1;
    let timer = 0;
    let pending = null;

    split(field.value).forEach((id) => add(id, null));
    refresh();

    search.addEventListener("input", () => {
      close();
      clearTimeout(timer);
      const text = search.value.trim();
      if (text.length >= 2) timer = setTimeout(() => suggest(text), DELAY);
    });
    search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) return;
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter" && search.value.trim()) {
        event.preventDefault();
        if (active >= 0) pick(options[active]);
        else addTyped();
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Backspace" && !search.value && chips.lastElementChild) {
        chips.lastElementChild.remove();
        refresh();
      }
    });
    search.addEventListener("blur", () => setTimeout(close, 150));
    search.form.addEventListener("submit", addTyped);

    async function suggest(text) {
      if (pending) pending.abort();
      pending = new AbortController();
      const url = `${endpoint}?q=${encodeURIComponent(text)}&limit=${LIMIT}`;
      try {
        const response = await fetch(url, { signal: pending.signal });
        if (!response.ok) return;
        const items = (await response.json()).items;
        if (search.value.trim() === text) show(items);
      } catch (error) {
        if (error.name !== "AbortError") throw error;
      }
    }

    function show(items) {
      const picked = new Set(values());
      list.replaceChildren();
      options = items.filter((item) => !picked.has(item[key]));
      options.forEach((item, n) => {
        const option = element("li", "suggestion");
        option.id = `${list.id}-${n}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-label", `${item.name} (${item[key]})`);
        option.append(code(item[key]), " ", item.name);
        option.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the search box
          pick(item);
        });
        option.addEventListener("mousemove", () => highlight(n));
        list.append(option);
      });
      if (!options.length) {
        const none = element("li", "suggestion none");
        none.textContent = "No match: press Enter to add it as typed";
        list.append(none);
      }
      list.hidden = false;
      search.setAttribute("aria-expanded", "true");
      highlight(options.length ? 0 : -1);
    }

    function highlight(n) {
      active = n;
      list.querySelectorAll("[role=option]").forEach((option, i) => {
        option.setAttribute("aria-selected", String(i === n));
        if (i === n) option.scrollIntoView({ block: "nearest" });
      });
      if (n >= 0) search.setAttribute("aria-activedescendant", `${list.id}-${n}`);
      else search.removeAttribute("aria-activedescendant");
    }

    function close() {
      if (pending) pending.abort();
      list.hidden = true;
      list.replaceChildren();
      options = [];
      active = -1;
      search.setAttribute("aria-expanded", "false");
      search.removeAttribute("aria-activedescendant");
    }

    function pick(item) {
      add(item[key], item.name);
      search.value = "";
      close();
      search.focus();
    }

    // What was typed but not picked is submitted as typed: the server names what it cannot use.
    function addTyped() {
      split(search.value).forEach((id) => add(id, null));
      search.value = "";
      close();
    }

    function add(id, label) {
      if (values().includes(id)) return;
      const chip = element("li", "chip");
      const text = element("span", "chip-name");
      const remove = element("button", "chip-remove");
      const value = Object.assign(element("input"), { type: "hidden", name: name, value: id });
      remove.type = "button";
      remove.textContent = "×";
      remove.addEventListener("click", () => {
        chip.remove();
        refresh();
        search.focus();
      });
      if (invalid.has(id)) {
        chip.classList.add("invalid");
        chip.title = "Not usable: see the message below the form";
      }
      chip.append(code(id), text, remove, value);
      chips.append(chip);
      refresh();
      describe(id, label, text, remove);
    }

    // A chip added from the address or as typed learns its name from the same API; an id the
    // API does not know (revoked, mistyped) keeps just its id, and the server will say why.
    async function describe(id, label, text, remove) {
      remove.setAttribute("aria-label", `Remove ${id}`);
      if (label === null) {
        const response = await fetch(`${endpoint}?q=${encodeURIComponent(id)}&limit=${LIMIT}`);
        const items = response.ok ? (await response.json()).items : [];
        const found = items.find((item) => item[key].toUpperCase() === id.toUpperCase());
        label = found ? found.name : null;
      }
      if (label) {
        text.textContent = label;
        remove.setAttribute("aria-label", `Remove ${label} (${id})`);
      }
    }

    // The examples in the placeholder help an empty box; once something is picked, less is more.
    function refresh() {
      search.placeholder = chips.children.length ? "Add another…" : field.dataset.placeholder;
    }

    function values() {
      return Array.from(chips.querySelectorAll("input"), (input) => input.value);
    }
  }

  function split(text) {
    return text.split(/[\s,;]+/).filter(Boolean);
  }

  function code(text) {
    const span = element("span", "code");
    span.textContent = text;
    return span;
  }

  function element(tag, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }
})();
