// Pan and zoom for the lineage picture (changes the SVG's viewBox; the layout itself comes from the server),
// and "Export SVG" (downloads the picture exactly as the server drew it, at full extent).
window.mlopsLineage = (() => {
    const state = new WeakMap();

    function svgOf(container) { return container && container.querySelector("svg.lineage-svg"); }

    function read(svg) { return svg.getAttribute("viewBox").split(" ").map(Number); }

    function write(svg, box) { svg.setAttribute("viewBox", box.map(v => v.toFixed(1)).join(" ")); }

    function attach(container) {
        const svg = svgOf(container);
        if (!svg) return;
        const full = read(svg);
        state.set(container, { full });
        svg.style.width = "100%";
        svg.style.height = "100%";
        svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
        // Start readable: between 85 % and 100 % of the drawn size, centred on the focus node when the whole
        // picture does not fit (Fit shows all of it).
        const cw = container.clientWidth, ch = container.clientHeight;
        const scale = Math.min(1, Math.max(0.85, Math.min(cw / full[2], ch / full[3])));
        const w = cw / scale, h = ch / scale;
        let cx = full[0] + full[2] / 2, cy = full[1] + full[3] / 2;
        const focus = svg.querySelector("a[data-focus=true] g");
        if (focus && (w < full[2] || h < full[3])) {
            const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(focus.getAttribute("transform"));
            if (m) { cx = Number(m[1]) + 104; cy = Number(m[2]) + 29; }
        }
        write(svg, [cx - w / 2, cy - h / 2, w, h]);
        if (svg.dataset.panZoom) return;
        svg.dataset.panZoom = "on";
        svg.addEventListener("wheel", e => {
            e.preventDefault();
            const rect = svg.getBoundingClientRect();
            zoomAt(svg, e.deltaY < 0 ? 0.85 : 1 / 0.85, (e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height);
        }, { passive: false });
        let drag = null;
        svg.addEventListener("pointerdown", e => {
            if (e.button !== 0 || e.target.closest("a")) return;
            drag = { x: e.clientX, y: e.clientY, box: read(svg) };
            svg.setPointerCapture(e.pointerId);
            svg.style.cursor = "grabbing";
        });
        svg.addEventListener("pointermove", e => {
            if (!drag) return;
            const rect = svg.getBoundingClientRect();
            const scale = Math.max(drag.box[2] / rect.width, drag.box[3] / rect.height);
            write(svg, [drag.box[0] - (e.clientX - drag.x) * scale, drag.box[1] - (e.clientY - drag.y) * scale, drag.box[2], drag.box[3]]);
        });
        const end = () => { drag = null; svg.style.cursor = ""; };
        svg.addEventListener("pointerup", end);
        svg.addEventListener("pointercancel", end);
    }

    function zoomAt(svg, factor, fx, fy) {
        const [x, y, w, h] = read(svg);
        const nw = w * factor, nh = h * factor;
        write(svg, [x + (w - nw) * fx, y + (h - nh) * fy, nw, nh]);
    }

    function zoom(container, factor) {
        const svg = svgOf(container);
        if (svg) zoomAt(svg, factor, 0.5, 0.5);
    }

    function fit(container) {
        const svg = svgOf(container);
        const s = state.get(container);
        if (svg && s) write(svg, s.full);
    }

    function exportSvg(container, fileName) {
        const svg = svgOf(container);
        const s = state.get(container);
        if (!svg) return;
        const copy = svg.cloneNode(true);
        if (s) write(copy, s.full);
        copy.removeAttribute("style");
        copy.removeAttribute("data-pan-zoom");
        const text = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
        const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = fileName;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
    }

    return { attach, zoom, fit, exportSvg };
})();
