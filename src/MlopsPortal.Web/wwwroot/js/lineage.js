// Pan and zoom for the lineage picture (changes the SVG's viewBox; the layout itself comes from the server),
// "Fit" (the whole picture, the canvas sized to it: the page opens that way), and "Export SVG" (downloads the
// picture exactly as the server drew it, at full extent).
window.mlopsLineage = (() => {
    const state = new WeakMap();

    function svgOf(container) { return container && container.querySelector("svg.lineage-svg"); }

    function read(svg) { return svg.getAttribute("viewBox").split(" ").map(Number); }

    function write(svg, box) { svg.setAttribute("viewBox", box.map(v => v.toFixed(1)).join(" ")); }

    /** Sizes the canvas to the picture and shows all of it: as wide as the canvas allows (at most the drawn size, where
     *  the labels read as designed), and as tall as the picture then is. Only a picture taller than twice the window is
     *  shown smaller (still whole; zoom in to read it). The page scrolls; the canvas never crops. */
    function fitAll(container, svg, full) {
        const width = container.clientWidth;
        const maxHeight = Math.max(320, window.innerHeight * 2);
        let scale = Math.min(1, width / full[2]);
        if (full[3] * scale > maxHeight) scale = maxHeight / full[3];
        const height = Math.max(160, Math.ceil(full[3] * scale));
        container.style.height = height + "px";
        // The canvas keeps its width; the view box shows the whole picture centred in it.
        write(svg, full);
    }

    function attach(container) {
        const svg = svgOf(container);
        if (!svg) return;
        const full = read(svg);
        state.set(container, { full });
        svg.style.width = "100%";
        svg.style.height = "100%";
        svg.style.display = "block";
        svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
        fitAll(container, svg, full);
        if (!container.dataset.resize) {
            container.dataset.resize = "on";
            let lastWidth = container.clientWidth;
            new ResizeObserver(() => {
                const s = state.get(container), current = svgOf(container);
                if (!s || !current || container.clientWidth === lastWidth) return;
                lastWidth = container.clientWidth;
                fitAll(container, current, s.full);
            }).observe(container);
        }
        if (svg.dataset.panZoom) return;
        svg.dataset.panZoom = "on";
        // Ctrl (or ⌘) + wheel zooms; the wheel alone scrolls the page, which the full-size picture may be taller than.
        svg.addEventListener("wheel", e => {
            if (!e.ctrlKey && !e.metaKey) return;
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
        if (svg && s) fitAll(container, svg, s.full);
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
