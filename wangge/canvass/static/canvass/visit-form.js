/* Visit form (走访登记): shows a question only while its condition ("key=value" or
 * "key!=value", on the same person's answers, else the household's) holds; adds trip rows and
 * people not on the list; folds away the questions of a person ticked as moved out; and keeps a
 * second tap from sending the form twice. The server checks everything again; without this
 * script every question is shown. Plain ES2017, no build step.
 */
(function () {
  "use strict";

  const form = document.getElementById("wg-visit-form");
  if (!form) return;
  const MAX_TRIPS = 20;
  const MAX_PEOPLE = 50;

  function answerOf(name) {
    const inputs = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    if (!inputs.length) return [];
    const wrap = inputs[0].closest("[data-condition]");
    if (wrap && wrap.hidden) return []; // a question not asked has no answer
    const values = [];
    inputs.forEach((input) => {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values.push(input.value);
      } else if (input.value.trim() !== "") {
        values.push(input.value.trim());
      }
    });
    return values;
  }

  function holds(condition, prefix) {
    const negate = condition.includes("!=");
    const parts = condition.split(negate ? "!=" : "=");
    const key = parts[0].trim();
    const expected = (parts[1] || "").trim();
    let values = prefix !== "q-" ? answerOf(prefix + key) : [];
    if (!values.length) values = answerOf("q-" + key);
    return values.includes(expected) !== negate;
  }

  function refresh() {
    // Document order: a question's condition only looks at questions above it.
    form.querySelectorAll("[data-condition]").forEach((wrap) => {
      const block = wrap.closest("[data-prefix]");
      wrap.hidden = !holds(wrap.dataset.condition, block ? block.dataset.prefix : "q-");
    });
    form.querySelectorAll("[data-moved-out]").forEach((box) => {
      const body = box.closest(".wg-person").querySelector(".wg-person-questions");
      if (body) body.hidden = box.checked;
    });
  }

  function clear(node) {
    node.querySelectorAll("input, select, textarea").forEach((input) => {
      if (input.type === "radio" || input.type === "checkbox") input.checked = false;
      else if (input.type !== "hidden") input.value = "";
    });
    node.querySelectorAll(".invalid-feedback").forEach((e) => e.remove());
  }

  function addTrip(button) {
    const box = button.parentElement.querySelector("[data-trips]");
    const rows = box.querySelectorAll(".wg-trip");
    if (!rows.length || rows.length >= MAX_TRIPS) return;
    const next = Math.max(...Array.from(rows, (r) => Number(r.dataset.index))) + 1;
    const copy = rows[rows.length - 1].cloneNode(true);
    copy.dataset.index = String(next);
    copy.querySelectorAll("input").forEach((input) => {
      input.name = input.name.replace(/-\d+-(place|from|to)$/, "-" + next + "-$1");
    });
    clear(copy);
    box.appendChild(copy);
    copy.querySelector("input").focus();
  }

  function addPerson() {
    const blocks = form.querySelectorAll(".wg-person[data-prefix]");
    const extras = form.querySelectorAll("[data-extra-person]");
    if (!extras.length || blocks.length >= MAX_PEOPLE) return;
    const last = extras[extras.length - 1];
    const next = Math.max(...Array.from(blocks, (b) => parseInt(b.dataset.prefix.slice(1), 10))) + 1;
    const from = last.dataset.prefix;
    const to = "p" + next + "-";
    const copy = last.cloneNode(true);
    copy.dataset.prefix = to;
    copy.querySelectorAll("[name], [id], [for]").forEach((node) => {
      ["name", "id", "for"].forEach((attr) => {
        const value = node.getAttribute(attr);
        if (value) node.setAttribute(attr, value.split(from).join(to));
      });
    });
    clear(copy);
    last.after(copy);
    refresh();
    const name = copy.querySelector("input");
    if (name) name.focus();
  }

  form.addEventListener("click", (event) => {
    const trip = event.target.closest("[data-add-trip]");
    if (trip) addTrip(trip);
    if (event.target.closest("[data-add-person]")) addPerson();
  });
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  form.addEventListener("submit", () => {
    const button = form.querySelector('button[type="submit"]');
    if (button) window.setTimeout(() => { button.disabled = true; }, 0);
  });
  form.querySelectorAll("[data-add-trip], [data-add-person]").forEach((b) => { b.hidden = false; });
  refresh();
})();
