// Progressive enhancement: a long <select> inside .engage-autocomplete becomes a box where
// a name is typed and chosen (accessible-autocomplete, copied from npm by `make install`).
// The select stays in the page and carries the choice, so without JavaScript, or if the
// library did not load, the plain drop-down is the same form.
(function () {
  if (!window.accessibleAutocomplete) return;
  var wrappers = document.querySelectorAll("[data-module=engage-autocomplete]");
  Array.prototype.forEach.call(wrappers, function (wrapper) {
    var select = wrapper.querySelector("select");
    if (!select) return;
    // The "Choose an owner" placeholder is not a name to type towards.
    var placeholder = select.querySelector("option[value='']");
    var chosen = select.options[select.selectedIndex];
    var group = wrapper.querySelector(".nhsuk-form-group");
    var failed = group && group.classList.contains("nhsuk-form-group--error");
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: chosen && chosen.value ? chosen.text : "",
      showAllValues: true,
      dropdownArrow: function () { return ""; },
      placeholder: "",
      minLength: 1,
      autoselect: false,
      confirmOnBlur: true,
      preserveNullOptions: false,
      tNoResults: function () { return "No one found: check the spelling"; },
      tStatusQueryTooShort: function (n) { return "Type in " + n + " or more characters for results"; }
    });
    if (placeholder) placeholder.textContent = "";
    var input = wrapper.querySelector("input.autocomplete__input");
    if (input) {
      // The hint and any error message describe the typed box as they did the select.
      var described = select.getAttribute("aria-describedby");
      if (described) {
        var own = input.getAttribute("aria-describedby");
        input.setAttribute("aria-describedby", (own ? own + " " : "") + described);
      }
      if (failed) input.classList.add("autocomplete__input--error");
      // The library changes the select only when a name is chosen: a box cleared, or typed
      // over with a name that is no choice, would still send the owner chosen before. The
      // select follows the box as it is typed: a name exactly as offered, or no one.
      input.addEventListener("input", function () {
        var typed = input.value.trim();
        var match = Array.prototype.filter.call(select.options, function (option) {
          return option.value && option.text === typed;
        })[0];
        select.value = match ? match.value : "";
      });
    }
  });
})();
