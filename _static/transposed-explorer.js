/*
 * Transposed-convolution explorer for the HTML book.
 *
 * Runs in the reader's browser with no kernel, no framework and no network:
 * it computes the four steps of a single-channel transposed convolution
 * itself (insert zeros, pad or crop, flip the kernel, convolve with stride 1)
 * and draws the input, the three intermediate grids and the output as HTML
 * tables, with the output-size formula filled in and the equivalent
 * nn.ConvTranspose2d(...) call.
 *
 * It mirrors the notebook explorer, source_lib/widgets.py: the same controls
 * and ranges, the same default numbers, the same captions, and the same
 * refusal sentences as source_lib/explain.py. tests/test_explorer_browser.py
 * checks it against torch and against those sentences.
 *
 * Use: any element with the attribute data-transposed-explorer becomes an
 * explorer when the page loads. Starting values can be given as attributes,
 * e.g. <div data-transposed-explorer data-stride="3" data-kernel-size="4">.
 * window.transposedExplorer exposes compute(config), explain(config) and
 * mount(element) for scripts and tests.
 */
(function () {
  "use strict";

  // name, label, smallest and largest value (as CONTROLS in source_lib/widgets.py)
  var CONTROLS = [
    ["height", "input height H", 1, 6],
    ["width", "input width W", 1, 6],
    ["kernel_size", "kernel size k", 1, 5],
    ["stride", "stride s", 1, 4],
    ["padding", "padding p", 0, 6],
    ["output_padding", "output_padding", 0, 3],
    ["dilation", "dilation d", 1, 3]
  ];

  var DEFAULTS = {
    height: 2, width: 2, kernel_size: 3, stride: 2, padding: 1,
    output_padding: 0, dilation: 1, values: "counting"
  };

  var VALUES = [["counting", "counting 1…9"], ["ones", "all ones"]];

  var PANELS = ["input", "zeros_inserted", "padded", "flipped_kernel", "output"];

  // ------------------------------------------------------------ arrays

  function filled(rows, cols, value) {
    var out = [];
    for (var i = 0; i < rows; i++) {
      out.push(new Array(cols).fill(value));
    }
    return out;
  }

  // counting: 1 + (i*W + j) % 9, row by row; ones: all ones.
  function defaultInput(height, width, values) {
    var out = filled(height, width, 1);
    if (values === "ones") { return out; }
    for (var i = 0; i < height; i++) {
      for (var j = 0; j < width; j++) { out[i][j] = 1 + (i * width + j) % 9; }
    }
    return out;
  }

  // Step 1: stride - 1 zeros between neighbouring rows and columns.
  function insertZeros(x, stride) {
    var h = x.length, w = x[0].length;
    var out = filled((h - 1) * stride + 1, (w - 1) * stride + 1, 0);
    for (var i = 0; i < h; i++) {
      for (var j = 0; j < w; j++) { out[i * stride][j * stride] = x[i][j]; }
    }
    return out;
  }

  // Step 2: border d(k-1)-p on every side plus output_padding at the bottom and
  // right; a negative amount crops. Cells outside x take the value `fill`.
  function padForTranspose(x, cfg, fill) {
    var border = cfg.dilation * (cfg.kernel_size - 1) - cfg.padding;
    var h = x.length, w = x[0].length;
    var rows = h + 2 * border + cfg.output_padding;
    var cols = w + 2 * border + cfg.output_padding;
    var out = filled(rows, cols, fill);
    for (var i = 0; i < rows; i++) {
      for (var j = 0; j < cols; j++) {
        var si = i - border, sj = j - border;
        if (si >= 0 && si < h && sj >= 0 && sj < w) { out[i][j] = x[si][sj]; }
      }
    }
    return out;
  }

  // Step 3: upside down and left to right.
  function flipKernel(kernel) {
    return kernel.slice().reverse().map(function (row) { return row.slice().reverse(); });
  }

  // Step 4: slide the (dilated) kernel over x with stride 1, no padding.
  function correlate(x, kernel, dilation) {
    var k = kernel.length, reach = dilation * (k - 1);
    var rows = x.length - reach, cols = x[0].length - reach;
    var out = filled(rows, cols, 0);
    for (var i = 0; i < rows; i++) {
      for (var j = 0; j < cols; j++) {
        var sum = 0;
        for (var a = 0; a < k; a++) {
          for (var b = 0; b < k; b++) { sum += x[i + a * dilation][j + b * dilation] * kernel[a][b]; }
        }
        out[i][j] = sum;
      }
    }
    return out;
  }

  function outputSize(n, cfg) {
    return (n - 1) * cfg.stride - 2 * cfg.padding + cfg.dilation * (cfg.kernel_size - 1) +
      cfg.output_padding + 1;
  }

  // ------------------------------------------------------------ words

  // "0", "0 or 1", "0 to 3" (allowed_values in source_lib/explain.py)
  function allowedValues(low, high) {
    if (high <= low) { return String(low); }
    if (high === low + 1) { return low + " or " + high; }
    return low + " to " + high;
  }

  // The refusal sentence of source_lib/explain.py (explain_refusal), or null.
  function explain(config) {
    var cfg = normalise(config);
    var h = cfg.height, w = cfg.width;
    var size = h === w ? String(h) : "(" + h + ", " + w + ")";
    if (Math.min(h, w) < 1) {
      return "input size=" + size + " must be at least 1: use input size 1 or more";
    }
    var positive = ["kernel_size", "stride", "dilation"];
    for (var i = 0; i < positive.length; i++) {
      if (cfg[positive[i]] < 1) {
        return positive[i] + "=" + cfg[positive[i]] + " must be at least 1: use " + positive[i] + " 1 or more";
      }
    }
    var nonNegative = ["padding", "output_padding"];
    for (i = 0; i < nonNegative.length; i++) {
      if (cfg[nonNegative[i]] < 0) {
        return nonNegative[i] + "=" + cfg[nonNegative[i]] + " must not be negative: use " +
          nonNegative[i] + " 0 or more";
      }
    }
    if (cfg.output_padding >= cfg.stride && cfg.output_padding >= cfg.dilation) {
      return "output_padding=" + cfg.output_padding + " must be smaller than stride=" + cfg.stride +
        " or dilation=" + cfg.dilation + ": use output_padding " +
        allowedValues(0, Math.max(cfg.stride, cfg.dilation) - 1);
    }
    var axes = [["height", h], ["width", w]];
    for (i = 0; i < axes.length; i++) {
      var out = outputSize(axes[i][1], cfg);
      if (out < 1) {
        // the largest padding that keeps both axes at least 1 pixel
        var largest = Math.floor(
          (((Math.min(h, w) - 1) * cfg.stride) + cfg.dilation * (cfg.kernel_size - 1) + cfg.output_padding) / 2);
        return "padding=" + cfg.padding + " crops away the whole output (output " + axes[i][0] +
          " would be " + out + "): use padding " + allowedValues(0, largest);
      }
    }
    return null;
  }

  function sizeFormula(cfg, axis) {
    var letter = axis === "height" ? "H" : "W";
    return letter + "_out = (" + letter + " − 1)·s − 2p + d·(k − 1) + output_padding + 1 = (" +
      cfg[axis] + " − 1)·" + cfg.stride + " − 2·" + cfg.padding + " + " + cfg.dilation + "·(" +
      cfg.kernel_size + " − 1) + " + cfg.output_padding + " + 1 = " + outputSize(cfg[axis], cfg);
  }

  function callString(cfg) {
    var parts = ["kernel_size=" + cfg.kernel_size, "stride=" + cfg.stride, "padding=" + cfg.padding];
    if (cfg.output_padding !== 0) { parts.push("output_padding=" + cfg.output_padding); }
    if (cfg.dilation !== 1) { parts.push("dilation=" + cfg.dilation); }
    return "nn.ConvTranspose2d(1, 1, " + parts.join(", ") + ", bias=False)";
  }

  function panelTitles(cfg) {
    var border = cfg.dilation * (cfg.kernel_size - 1) - cfg.padding;
    return [
      "input",
      "1. insert s−1 = " + (cfg.stride - 1) + " zero" + (cfg.stride === 2 ? "" : "s"),
      "2. pad d(k−1)−p = " + border + (cfg.output_padding ? ", +" + cfg.output_padding + " bottom/right" : ""),
      "3. flip the kernel",
      "4. convolve, stride 1" + (cfg.dilation === 1 ? "" : ", dilation " + cfg.dilation)
    ];
  }

  // ------------------------------------------------------------ state

  function normalise(config) {
    var cfg = {};
    Object.keys(DEFAULTS).forEach(function (name) { cfg[name] = DEFAULTS[name]; });
    Object.keys(config || {}).forEach(function (name) {
      if (!(name in DEFAULTS)) {
        throw new Error("unknown explorer setting " + name + "; the settings are " +
          Object.keys(DEFAULTS).join(", "));
      }
      cfg[name] = config[name];
    });
    CONTROLS.forEach(function (control) {
      var value = Number(cfg[control[0]]);
      if (!Number.isInteger(value)) {
        throw new TypeError(control[0] + " must be an integer, got " + cfg[control[0]]);
      }
      cfg[control[0]] = value;
    });
    if (cfg.values !== "counting" && cfg.values !== "ones") {
      throw new Error("values must be counting or ones, got " + cfg.values);
    }
    return cfg;
  }

  // Everything the explorer shows for one configuration (explorer_state in
  // source_lib/widgets.py): message, sizes, formula, call and the five grids.
  function compute(config) {
    var cfg = normalise(config);
    var state = {
      config: cfg,
      message: explain(cfg),
      output_size: [outputSize(cfg.height, cfg), outputSize(cfg.width, cfg)],
      formula: [sizeFormula(cfg, "height"), sizeFormula(cfg, "width")],
      call: callString(cfg),
      titles: panelTitles(cfg)
    };
    if (state.message !== null) { return state; }
    var x = defaultInput(cfg.height, cfg.width, cfg.values);
    var kernel = defaultInput(cfg.kernel_size, cfg.kernel_size, cfg.values);
    state.input = x;
    state.kernel = kernel;
    state.zeros_inserted = insertZeros(x, cfg.stride);
    state.padded = padForTranspose(state.zeros_inserted, cfg, 0);
    state.flipped_kernel = flipKernel(kernel);
    state.output = correlate(state.padded, state.flipped_kernel, cfg.dilation);
    // Where each cell came from: 2 = input value, 1 = inserted zero, 0 = padding.
    var marker = insertZeros(filled(cfg.height, cfg.width, 2), cfg.stride).map(function (row) {
      return row.map(function (v) { return v === 2 ? 2 : 1; });
    });
    var names = ["padding", "inserted", "value"];
    state.roles_zeros = marker.map(function (row) { return row.map(function (v) { return names[v]; }); });
    state.roles_padded = padForTranspose(marker, cfg, 0).map(function (row) {
      return row.map(function (v) { return names[v]; });
    });
    return state;
  }

  // ------------------------------------------------------------ drawing

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function sizeClass(grid) {
    var largest = Math.max(grid.length, grid[0].length);
    return largest <= 12 ? "" : largest <= 24 ? " tce-small" : " tce-tiny";
  }

  function gridTable(grid, roles, role, name) {
    var table = element("table", { "class": "tce-grid" + sizeClass(grid), "data-panel": name });
    var body = element("tbody");
    grid.forEach(function (row, i) {
      var tr = element("tr");
      row.forEach(function (value, j) {
        tr.appendChild(element("td", { "class": "tce-" + (roles ? roles[i][j] : role) }, String(value)));
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }

  function drawPanels(container, state) {
    var roles = { zeros_inserted: state.roles_zeros, padded: state.roles_padded };
    var colour = { flipped_kernel: "kernel", output: "output" };
    var panels = element("div", { "class": "tce-panels" });
    PANELS.forEach(function (key, index) {
      var grid = state[key];
      var figure = element("figure", { "class": "tce-panel" });
      figure.appendChild(element("figcaption", {},
        state.titles[index] + " (" + grid.length + "×" + grid[0].length + ")"));
      figure.appendChild(gridTable(grid, roles[key], colour[key] || "value", key));
      panels.appendChild(figure);
    });
    container.replaceChildren(panels);
  }

  var LEGEND = [["value", "input value"], ["inserted", "inserted zero"], ["padding", "padding"],
    ["kernel", "kernel"], ["output", "output"]];

  var mounted = 0;

  function camel(name) {
    return name.replace(/_([a-z])/g, function (_, letter) { return letter.toUpperCase(); });
  }

  // Build the controls and panels inside `root` and keep them in step.
  function mount(root) {
    if (root.transposedExplorer) { return root.transposedExplorer; }
    mounted += 1;
    var prefix = "tce" + mounted + "-";
    var start = {};
    Object.keys(DEFAULTS).forEach(function (name) {
      var given = root.dataset[camel(name)];
      start[name] = given === undefined ? DEFAULTS[name] : (name === "values" ? given : Number(given));
    });
    start = normalise(start);

    root.replaceChildren();
    root.classList.add("tce-explorer");
    var form = element("form", { "class": "tce-controls", "aria-label": "transposed convolution settings" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var inputs = {};
    CONTROLS.forEach(function (control) {
      var name = control[0], id = prefix + name;
      var value = start[name];
      var row = element("div", { "class": "tce-control" });
      row.appendChild(element("label", { "for": id }, control[1]));
      var input = element("input", {
        type: "range", id: id, name: name, step: "1",
        min: String(Math.min(control[2], value)), max: String(Math.max(control[3], value)),
        value: String(value)
      });
      var shown = element("output", { "for": id, id: id + "-value" }, String(value));
      input.addEventListener("input", function () { shown.textContent = input.value; update(); });
      row.appendChild(input);
      row.appendChild(shown);
      form.appendChild(row);
      inputs[name] = input;
    });
    var valuesRow = element("div", { "class": "tce-control" });
    valuesRow.appendChild(element("label", { "for": prefix + "values" }, "values"));
    var select = element("select", { id: prefix + "values", name: "values" });
    VALUES.forEach(function (option) {
      var node = element("option", { value: option[0] }, option[1]);
      if (option[0] === start.values) { node.selected = true; }
      select.appendChild(node);
    });
    select.addEventListener("change", update);
    valuesRow.appendChild(select);
    form.appendChild(valuesRow);
    inputs.values = select;
    var reset = element("button", { type: "button", "class": "tce-reset" }, "reset");
    reset.addEventListener("click", function () { set(start); });
    form.appendChild(reset);

    var message = element("p", { "class": "tce-message", role: "status", "aria-live": "polite" });
    var panels = element("div", { "class": "tce-panels-holder" });
    var legend = element("div", { "class": "tce-legend", "aria-hidden": "true" });
    LEGEND.forEach(function (item) { legend.appendChild(element("span", { "class": "tce-" + item[0] }, item[1])); });
    var formula = element("p", { "class": "tce-formula" });
    var call = element("p", { "class": "tce-call" });
    [form, message, panels, legend, formula, call].forEach(function (node) { root.appendChild(node); });

    var instance = { state: null, inputs: inputs };

    function config() {
      var cfg = {};
      Object.keys(inputs).forEach(function (name) {
        cfg[name] = name === "values" ? inputs[name].value : Number(inputs[name].value);
      });
      return cfg;
    }

    function update() {
      var state = compute(config());
      instance.state = state;
      formula.replaceChildren();
      state.formula.forEach(function (line, i) {
        if (i) { formula.appendChild(element("br")); }
        formula.appendChild(element("code", {}, line));
      });
      call.replaceChildren(element("code", {}, state.call));
      if (state.message !== null) {
        message.className = "tce-message tce-refused";
        message.textContent = "torch refuses this: " + state.message;
        panels.replaceChildren();
        legend.hidden = true;
        return state;
      }
      message.className = "tce-message";
      message.textContent = "output " + state.output_size[0] + "×" + state.output_size[1];
      drawPanels(panels, state);
      legend.hidden = false;
      return state;
    }

    // Set several controls at once (sliders widen to take the value) and redraw.
    function set(values) {
      Object.keys(values).forEach(function (name) {
        var input = inputs[name];
        if (!input) { throw new Error("unknown control " + name); }
        if (name !== "values") {
          input.min = String(Math.min(Number(input.min), values[name]));
          input.max = String(Math.max(Number(input.max), values[name]));
          document.getElementById(input.id + "-value").textContent = String(values[name]);
        }
        input.value = String(values[name]);
      });
      return update();
    }

    instance.config = config;
    instance.update = update;
    instance.set = set;
    root.transposedExplorer = instance;
    update();
    return instance;
  }

  function mountAll() {
    document.querySelectorAll("[data-transposed-explorer]").forEach(mount);
  }

  window.transposedExplorer = {
    CONTROLS: CONTROLS,
    DEFAULTS: DEFAULTS,
    compute: compute,
    explain: explain,
    allowedValues: allowedValues,
    mount: mount,
    mountAll: mountAll
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
