/* hsct-ms: charts that fill the text column and keep their text legible.
   sphinx_ext.chart_html calls hsctChart("#id", spec) for every Vega-Lite chart. The spec
   as published stays unchanged; the drawing adapts it to the reader's screen:
   - every text size is at least 12 px (11 px on a phone for text marks, such as the
     numbers at risk), and the chart is drawn at the width of its column instead of being
     scaled down: view widths are fitted (in an off-screen copy) so the whole chart,
     axes and legends included, spans the column;
   - legends above a plot stack one under the other; on a narrow screen (< 560 px) every
     other legend goes below the plot, one above the other, in one column, titles above
     their entries, and explicit axis ticks are thinned to every other one;
   - a spec may carry a second layout for narrow screens (usermeta.hsctNarrow, written by
     charts.with_narrow_layout, without datasets of its own): below 560 px it is drawn
     instead, with the spec's datasets (a forest plot puts its row names above the
     estimates there, as a phone has no room for them beside);
   - it is drawn again when the column's width changes. */
(function () {
  "use strict";

  var MIN_FONT = 12;
  var MIN_MARK_FONT_NARROW = 11;
  var NARROW = 560;
  var FONT_KEYS = ["fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize"];

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function walk(node, visit, key, parent) {
    if (Array.isArray(node)) {
      node.forEach(function (item) { walk(item, visit, key, parent); });
    } else if (node && typeof node === "object") {
      visit(node, key, parent);
      Object.keys(node).forEach(function (k) {
        if (k !== "datasets" && k !== "data") walk(node[k], visit, k, node);
      });
    }
  }

  // A view (or facet cell) spec: its width/height size a plot, unlike a mark's.
  function isView(node, key) {
    return key !== "mark" && key !== "config" && (node.mark || node.layer || node.encoding);
  }

  function isTextMark(mark) {
    return mark === "text" || (mark && mark.type === "text");
  }

  function thinned(values) {
    return values.filter(function (_, i) { return i % 2 === 0; });
  }

  // Characters of the longest text of a text mark whose data is a named dataset.
  function longestText(spec, node) {
    var field = node.encoding && node.encoding.text && node.encoding.text.field;
    var rows = field && node.data && node.data.name && spec.datasets && spec.datasets[node.data.name];
    if (!Array.isArray(rows)) return 0;
    return rows.reduce(function (most, row) { return Math.max(most, String(row[field]).length); }, 0);
  }

  function readable(spec, narrow, width) {
    // On a phone a legend label may take the width left of the plot's left edge.
    var labelLimit = Math.max(120, (width || 320) - 130);
    var thinnedAxes = typeof WeakSet === "function" ? new WeakSet() : null;
    walk(spec, function (node, key) {
      // A row of numbers under the axis (numbers at risk) keeps only the thinned ticks:
      // more than 6 of them, or more than its numbers leave room for on a phone (about
      // 7.5 px a digit at 12 px with a gap, beside row names of about 120 px).
      var x = node.encoding && node.encoding.x;
      if (narrow && thinnedAxes && isTextMark(node.mark) && x && x.field && x.axis &&
          Array.isArray(x.axis.values) && x.axis.values.length > 2 &&
          (x.axis.values.length > 6 || longestText(spec, node) * 7.5 * x.axis.values.length > width - 120)) {
        x.axis.values = thinned(x.axis.values);
        thinnedAxes.add(x.axis);
        node.transform = (node.transform || []).concat([{ filter: { field: x.field, oneOf: x.axis.values } }]);
      }
      FONT_KEYS.forEach(function (name) {
        if (typeof node[name] === "number") {
          var least = key === "mark" && narrow ? MIN_MARK_FONT_NARROW : MIN_FONT;
          if (node[name] < least) node[name] = least;
        }
      });
      if (!narrow) return;
      if (key === "legend") {
        // Legends beside the plot go below it; legends above it stay there (a table
        // under the time axis, such as the numbers at risk, stays right under it).
        if (node.orient !== undefined) {
          if (node.orient !== "top") node.orient = "bottom";
          node.direction = "vertical";
        }
        if (node.columns > 1) node.columns = 1;
        // A title beside its entries leaves them no room on a phone: above them.
        if (node.titleOrient === "left" || node.titleOrient === "right") node.titleOrient = "top";
        if (node.labelLimit !== undefined && (node.labelLimit === 0 || node.labelLimit > labelLimit)) {
          node.labelLimit = labelLimit;
        }
      }
      if (key === "axis" && Array.isArray(node.values) && node.values.length > 6 &&
          !(thinnedAxes && thinnedAxes.has(node))) {
        node.values = thinned(node.values);
      }
    });
    var config = spec.config = spec.config || {};
    function least(group, name, size) {
      config[group] = config[group] || {};
      if (!(config[group][name] >= size)) config[group][name] = size;
    }
    ["axis", "legend", "header"].forEach(function (group) {
      least(group, "labelFontSize", MIN_FONT);
      least(group, "titleFontSize", MIN_FONT);
    });
    least("title", "fontSize", MIN_FONT + 1);
    least("title", "subtitleFontSize", MIN_FONT);
    least("text", "fontSize", narrow ? MIN_MARK_FONT_NARROW : MIN_FONT);
    // Legends above a plot stack one under the other, from its left edge (side by side
    // they would be wider than the column).
    config.legend.layout = config.legend.layout || {};
    if (!config.legend.layout.top) config.legend.layout.top = { direction: "vertical", anchor: "start", margin: 6 };
    if (narrow) {
      config.legend.orient = "bottom";
      config.legend.direction = "vertical";
      // Several legends below the plot stack one above the other, not side by side.
      config.legend.layout.bottom = { direction: "vertical", anchor: "start" };
      if (!(config.legend.labelLimit > 0 && config.legend.labelLimit <= labelLimit)) {
        config.legend.labelLimit = labelLimit;
      }
    }
    return spec;
  }

  // The spec with every view width multiplied by `scale` (heights of plots too, on a phone).
  function scaled(base, scale, narrow) {
    var spec = copy(base);
    walk(spec, function (node, key) {
      if (!isView(node, key)) return;
      if (typeof node.width === "number") node.width = Math.max(60, Math.round(node.width * scale));
      if (narrow && scale < 1 && typeof node.height === "number" && node.height >= 150) {
        node.height = Math.round(node.height * Math.max(0.75, scale));
      }
    });
    return spec;
  }

  var OPTIONS = { actions: false, renderer: "svg" };

  function naturalWidth(spec, width) {
    var probe = document.createElement("div");
    probe.setAttribute("aria-hidden", "true");
    probe.style.cssText = "position:absolute;left:-10000px;top:0;visibility:hidden;width:" + width + "px";
    document.body.appendChild(probe);
    return vegaEmbed(probe, spec, OPTIONS).then(function (result) {
      var svg = probe.querySelector("svg");
      var measured = svg ? parseFloat(svg.getAttribute("width")) : NaN;
      result.finalize();
      probe.remove();
      return measured;
    }, function (err) { probe.remove(); throw err; });
  }

  // Find the scale of view widths that makes the chart at most `target` px wide and as
  // close to it as a few drawings allow: the chart's width is close to linear in the
  // scale (views plus fixed axes and legends), but flat where views hit their minimum.
  // Resolves to {scale, width}: the best scale found and the chart's width with it.
  function fit(base, target, narrow) {
    var tried = [];
    function best() {
      var fitting = tried.filter(function (t) { return t.width <= target; });
      if (fitting.length) return fitting.reduce(function (a, b) { return b.width > a.width ? b : a; });
      return tried.reduce(function (a, b) { return b.width < a.width ? b : a; });
    }
    function attempt(scale, left) {
      return naturalWidth(scaled(base, scale, narrow), target).then(function (width) {
        if (!(width > 0)) return best();
        tried.push({ scale: scale, width: width });
        if ((width <= target && width >= target * 0.97) || left === 0) return best();
        var next;
        if (tried.length === 1) {
          next = scale * target / width;
        } else {
          var a = tried[tried.length - 2], b = tried[tried.length - 1];
          next = Math.abs(b.width - a.width) < 1
            ? (b.width > target ? b.scale * 0.8 : b.scale * 1.2)  // flat: step on
            : b.scale + (target - b.width) * (b.scale - a.scale) / (b.width - a.width);
        }
        next = Math.min(4, Math.max(0.02, next));
        if (tried.some(function (t) { return Math.abs(t.scale - next) < 0.005; })) return best();
        return attempt(next, left - 1);
      });
    }
    return attempt(1, 4);
  }

  // The layout to draw: the spec, or on a narrow screen its narrow layout if it has one.
  function layoutFor(spec, narrow) {
    var layout = narrow && spec.usermeta && spec.usermeta.hsctNarrow;
    if (!layout) return spec;
    layout = copy(layout);
    layout.$schema = spec.$schema;
    layout.datasets = spec.datasets;
    layout.description = spec.description;
    return layout;
  }

  function draw(div, spec) {
    var style = getComputedStyle(div);
    var target = Math.floor(div.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    if (!(target > 0)) target = 600;
    var narrow = target < NARROW;
    var base = readable(layoutFor(copy(spec), narrow), narrow, target);
    return fit(base, target, narrow).catch(function () { return { scale: 1, width: NaN }; }).then(function (best) {
      if (div._hsctView) div._hsctView.finalize();
      div.innerHTML = "";
      // A chart that cannot be drawn within 10% of its column at these text sizes keeps
      // its size and scrolls sideways in its box, with a hint, rather than shrinking.
      var wide = best.width > target * 1.1;
      div.classList.toggle("hsct-chart-wide", wide);
      if (wide) div.setAttribute("tabindex", "0");
      else div.removeAttribute("tabindex");
      var hint = div.previousElementSibling;
      if (!(hint && hint.classList.contains("hsct-chart-hint"))) {
        hint = document.createElement("div");
        hint.className = "hsct-chart-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = "Wide chart: scroll sideways to see all of it \u2192";
        div.parentNode.insertBefore(hint, div);
      }
      hint.hidden = !wide;
      // Scrolled a little, a chart keeps its fitted layout; scrolled a lot, the layout it
      // was designed with (fitting squeezes its plot to nothing).
      var scale = wide && best.width > target * 1.25 ? 1 : best.scale;
      return vegaEmbed(div, scaled(base, scale, narrow), OPTIONS).then(function (result) {
        div._hsctView = result;
        div.dataset.hsctWidth = String(target);
        return result;
      });
    });
  }

  window.hsctChart = function (selector, spec) {
    var div = document.querySelector(selector);
    if (!div) return Promise.reject(new Error("no element " + selector));
    var last = -1;
    var timer = null;
    var drawing = draw(div, spec).then(function (result) { last = div.clientWidth; return result; });
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (last < 0 || Math.abs(div.clientWidth - last) < 8) return;
        clearTimeout(timer);
        timer = setTimeout(function () {
          last = div.clientWidth;
          draw(div, spec).catch(function (err) { console.error(selector + ": " + err); });
        }, 150);
      }).observe(div);
    }
    return drawing;
  };
  // For tests and debugging: the pieces of the adaptation.
  window.hsctChart.adapt = { readable: readable, scaled: scaled, naturalWidth: naturalWidth, layoutFor: layoutFor };
})();
