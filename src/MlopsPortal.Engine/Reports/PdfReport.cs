using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using MlopsPortal.Engine.Lineage;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Signatures;

namespace MlopsPortal.Engine.Reports;

/// <summary>A table column: its title, its share of the text width, and whether numbers align right.</summary>
public sealed record ReportColumn(string Title, double Share, bool AlignRight = false);

/// <summary>One bar of a chart, with an optional confidence interval drawn as a whisker.</summary>
public sealed record ReportBar(string Label, double Value, double? Low = null, double? High = null, bool Alert = false);

/// <summary>One line of a line chart: its name and its points (x as a label, y as a value).</summary>
public sealed record ReportSeries(string Name, IReadOnlyList<(string X, double Y)> Points);

/// <summary>One line of a time chart: its name and its points at their times (UTC).</summary>
public sealed record ReportTimeSeries(string Name, IReadOnlyList<(DateTime At, double Y)> Points);

/// <summary>Who signs, and what the signature says.</summary>
public sealed record ReportSigner(X509Certificate2 Certificate, string Reason, string Location, string ContactInfo);

/// <summary>
/// The project's one PDF layout layer over PDFsharp's XGraphics (no MigraDoc, QuestPDF or chart library is available
/// here): A4 pages with a repeated header and "page X of Y", a table of contents filled in after the content is laid out,
/// wrapped paragraphs, key–value blocks, tables that break across pages and repeat their header, bar charts with
/// whiskers, line charts, a matrix, and the lineage picture drawn from the same coordinates as the web page's SVG.
/// Everything a report shows goes through here; the reports themselves only choose what to say.
/// </summary>
public sealed class PdfReport
{
    public const double PageWidth = 595.28, PageHeight = 841.89, Margin = 50, HeaderHeight = 28, FooterHeight = 24;
    private const double ContentTop = Margin + HeaderHeight;
    /// <summary>The text width of a portrait page.</summary>
    public static double TextWidth => PageWidth - 2 * Margin;
    /// <summary>The smallest text the report draws, pictures included (7 pt).</summary>
    public const double MinimumTextSize = 7;

    private static readonly XColor Ink = XColor.FromArgb(33, 33, 33), Muted = XColor.FromArgb(96, 110, 120), Rule = XColor.FromArgb(207, 216, 220),
        Accent = XColor.FromArgb(40, 53, 147), Danger = XColor.FromArgb(198, 40, 40), Pass = XColor.FromArgb(46, 125, 50), HeaderFill = XColor.FromArgb(236, 239, 241);

    private readonly PdfDocument _document;
    private readonly string _header;
    private readonly List<(int Level, string Text, int Page)> _contents = [];
    private PdfPage? _tocPage;
    private XGraphics? _gfx;
    private double _y;
    /// <summary>The current page's size (a lineage picture wider than tall gets a landscape page).</summary>
    private double _pageWidth = PageWidth, _pageHeight = PageHeight;
    private double Width => _pageWidth - 2 * Margin;
    private double ContentBottom => _pageHeight - Margin - FooterHeight;

    private int? _finalPages;
    /// <summary>The number of pages (PDFsharp's own count throws once the document is saved).</summary>
    public int PageCount => _finalPages ?? _document.PageCount;
    public IReadOnlyList<(int Level, string Text, int Page)> Contents => _contents;

    /// <param name="title">The document's title (PDF metadata).</param>
    /// <param name="header">The line repeated at the top of every page after the cover.</param>
    public PdfReport(string title, string header)
    {
        PdfFonts.Install();
        _document = new PdfDocument();
        _header = header;
        _document.Info.Title = title;
        _document.Info.Creator = "MLOps Governance Portal";
        _document.Options.CompressContentStreams = true;
    }

    // ---- fonts ----------------------------------------------------------------------------------------------

    private static XFont Font(double size, bool bold = false, bool italic = false, bool mono = false) =>
        new(mono ? PdfFonts.Mono : PdfFonts.Sans, size, (bold ? XFontStyleEx.Bold : XFontStyleEx.Regular) | (italic ? XFontStyleEx.Italic : 0));

    // Created on first use, after PdfFonts.Install (an XFont needs the resolver).
    private static XFont? _body, _bodyBold, _small, _smallBold, _monoSmall;
    private static XFont Body => _body ??= Font(9.5);
    private static XFont BodyBold => _bodyBold ??= Font(9.5, bold: true);
    private static XFont Small => _small ??= Font(8);
    private static XFont SmallBold => _smallBold ??= Font(8, bold: true);
    private static XFont MonoSmall => _monoSmall ??= Font(7.5, mono: true);

    // ---- pages ----------------------------------------------------------------------------------------------

    private XGraphics Gfx => _gfx ?? throw new InvalidOperationException("Start a page first.");

    private void NewPage(bool landscape = false)
    {
        _gfx?.Dispose();
        var page = _document.AddPage();
        (_pageWidth, _pageHeight) = landscape ? (PageHeight, PageWidth) : (PageWidth, PageHeight);
        page.Width = XUnit.FromPoint(_pageWidth);
        page.Height = XUnit.FromPoint(_pageHeight);
        _gfx = XGraphics.FromPdfPage(page);
        _y = ContentTop;
    }

    /// <summary>Starts a new page when less than <paramref name="height"/> points are left.</summary>
    public void Need(double height)
    {
        if (_gfx is null || _y + height > ContentBottom) NewPage();
    }

    public void PageBreak() => NewPage();

    /// <summary>The cover: title, subtitle and the facts a reader checks first (report id, times, hashes).</summary>
    public void Cover(string title, string subtitle, IReadOnlyList<(string Key, string Value)> facts, string note)
    {
        NewPage();
        var g = Gfx;
        g.DrawRectangle(new XSolidBrush(Accent), 0, 0, PageWidth, 150);
        g.DrawString("MLOps Governance Portal", Font(11), XBrushes.White, new XRect(Margin, 40, TextWidth, 20), XStringFormats.TopLeft);
        _y = 62;
        foreach (var line in Wrap(title, Font(22, bold: true), TextWidth))
        {
            g.DrawString(line, Font(22, bold: true), XBrushes.White, new XRect(Margin, _y, TextWidth, 28), XStringFormats.TopLeft);
            _y += 28;
        }
        _y = 180;
        Paragraph(subtitle, Font(12), Ink);
        _y += 10;
        KeyValues(facts);
        _y += 10;
        Paragraph(note, Small, Muted);
        // The table of contents goes on the next page, drawn at the end (a page with an empty content stream
        // made by XGraphics would be an invalid flate stream, so this one gets no XGraphics now).
        _gfx!.Dispose();
        _gfx = null;
        _tocPage = _document.AddPage();
        _tocPage.Width = XUnit.FromPoint(PageWidth);
        _tocPage.Height = XUnit.FromPoint(PageHeight);
        NewPage();
    }

    /// <summary>A numbered section heading (level 1 starts a page) recorded in the table of contents.</summary>
    public void Heading(string text, int level = 1)
    {
        // A section starts on a new page when less than a third of the page is left.
        Need(level == 1 ? 240 : 60);
        if (level == 1 && _y > ContentTop) _y += 14;
        _contents.Add((level, text, _document.PageCount));
        var font = Font(level == 1 ? 15 : 11.5, bold: true);
        _y += level == 1 ? 0 : 6;
        foreach (var line in Wrap(text, font, Width))
        {
            Gfx.DrawString(line, font, new XSolidBrush(level == 1 ? Accent : Ink), new XRect(Margin, _y, Width, 20), XStringFormats.TopLeft);
            _y += font.Size * 1.35;
        }
        if (level == 1)
        {
            Gfx.DrawLine(new XPen(Accent, 1), Margin, _y + 1, Margin + Width, _y + 1);
            _y += 8;
        }
        else _y += 3;
    }

    public void Paragraph(string text, bool muted = false, bool bold = false, bool alert = false) =>
        Paragraph(text, bold ? BodyBold : Body, alert ? Danger : muted ? Muted : Ink);

    private void Paragraph(string text, XFont font, XColor color)
    {
        var brush = new XSolidBrush(color);
        var lineHeight = font.Size * 1.35;
        foreach (var paragraph in text.Split('\n'))
        {
            foreach (var line in Wrap(paragraph, font, Width))
            {
                Need(lineHeight);
                Gfx.DrawString(line, font, brush, new XRect(Margin, _y, Width, lineHeight), XStringFormats.TopLeft);
                _y += lineHeight;
            }
        }
        _y += 4;
    }

    /// <summary>"Key: value" lines, keys in a column, values wrapped.</summary>
    public void KeyValues(IReadOnlyList<(string Key, string Value)> pairs, double keyWidth = 150)
    {
        foreach (var (key, value) in pairs)
        {
            var valueFont = value.Length == 64 && value.All(Uri.IsHexDigit) ? MonoSmall : Body;
            var lines = Wrap(value, valueFont, Width - keyWidth);
            var lineHeight = Body.Size * 1.35;
            Need(lineHeight * Math.Min(lines.Count, 3));
            Gfx.DrawString(key, BodyBold, new XSolidBrush(Muted), new XRect(Margin, _y, keyWidth, lineHeight), XStringFormats.TopLeft);
            foreach (var line in lines)
            {
                Need(lineHeight);
                Gfx.DrawString(line, valueFont, new XSolidBrush(Ink),
                    new XRect(Margin + keyWidth, _y, Width - keyWidth, lineHeight), XStringFormats.TopLeft);
                _y += lineHeight;
            }
        }
        _y += 4;
    }

    /// <summary>
    /// A table that breaks across pages with its header repeated. <paramref name="alert"/> marks rows to draw in red
    /// (an override, a failed check).
    /// </summary>
    public void Table(IReadOnlyList<ReportColumn> columns, IEnumerable<IReadOnlyList<string>> rows, Func<int, bool>? alert = null, bool small = false)
    {
        var font = small ? Small : Body;
        var bold = small ? SmallBold : BodyBold;
        var total = columns.Sum(c => c.Share);
        var widths = columns.Select(c => c.Share / total * Width).ToArray();
        const double pad = 3;
        var lineHeight = font.Size * 1.3;

        double RowHeight(IReadOnlyList<string> cells, XFont f) =>
            cells.Select((c, i) => Wrap(c, f, widths[i] - 2 * pad).Count).DefaultIfEmpty(1).Max() * lineHeight + 2 * pad;

        void DrawRow(IReadOnlyList<string> cells, XFont f, XColor color, XColor? fill)
        {
            var height = RowHeight(cells, f);
            var x = Margin;
            if (fill is { } fc) Gfx.DrawRectangle(new XSolidBrush(fc), Margin, _y, Width, height);
            for (var i = 0; i < columns.Count; i++)
            {
                var lines = Wrap(i < cells.Count ? cells[i] : "", f, widths[i] - 2 * pad);
                for (var k = 0; k < lines.Count; k++)
                    Gfx.DrawString(lines[k], f, new XSolidBrush(color), new XRect(x + pad, _y + pad + k * lineHeight, widths[i] - 2 * pad, lineHeight),
                        columns[i].AlignRight ? XStringFormats.TopRight : XStringFormats.TopLeft);
                x += widths[i];
            }
            _y += height;
            Gfx.DrawLine(new XPen(Rule, 0.5), Margin, _y, Margin + Width, _y);
        }

        var header = columns.Select(c => c.Title).ToList();
        var headerHeight = RowHeight(header, bold);
        Need(headerHeight + lineHeight * 2 + 2 * pad);
        DrawRow(header, bold, Ink, HeaderFill);
        var index = 0;
        foreach (var row in rows)
        {
            var height = RowHeight(row, font);
            if (_y + height > ContentBottom)
            {
                NewPage();
                DrawRow(header, bold, Ink, HeaderFill);
            }
            var red = alert?.Invoke(index) == true;
            DrawRow(row, red ? BodyBoldOr(small) : font, red ? Danger : Ink, null);
            index++;
        }
        _y += 8;
    }

    private static XFont BodyBoldOr(bool small) => small ? SmallBold : BodyBold;

    /// <summary>Vertical bars with value labels, optional whiskers, a y axis with ticks and an optional reference line.</summary>
    public void BarChart(string title, IReadOnlyList<ReportBar> bars, double? min = null, double? max = null, double? reference = null, string? referenceLabel = null,
        string format = "0.00")
    {
        const double height = 170;
        Need(height + 30);
        ChartTitle(title);
        if (bars.Count == 0)
        {
            Paragraph("No data.", muted: true);
            return;
        }
        var top = bars.Max(b => Math.Max(b.High ?? b.Value, b.Value));
        var bottom = bars.Min(b => Math.Min(b.Low ?? b.Value, b.Value));
        var (lo, hi) = (min ?? Math.Min(0, bottom), max ?? (top <= 0 ? 1 : top * 1.1));
        if (reference is { } r) (lo, hi) = (Math.Min(lo, r), Math.Max(hi, r));
        var area = new XRect(Margin + 40, _y, Width - 50, height - 34);
        Axes(area, lo, hi, format);
        double Y(double v) => area.Bottom - (v - lo) / (hi - lo) * area.Height;
        var slot = area.Width / bars.Count;
        var barWidth = Math.Min(40, slot * 0.6);
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var cx = area.X + slot * (i + 0.5);
            var y0 = Y(Math.Max(lo, Math.Min(0, hi)));
            var y1 = Y(b.Value);
            Gfx.DrawRectangle(new XSolidBrush(b.Alert ? Danger : Accent), cx - barWidth / 2, Math.Min(y0, y1), barWidth, Math.Max(0.5, Math.Abs(y1 - y0)));
            if (b.Low is { } l && b.High is { } h)
            {
                var pen = new XPen(Ink, 0.8);
                Gfx.DrawLine(pen, cx, Y(l), cx, Y(h));
                Gfx.DrawLine(pen, cx - 4, Y(l), cx + 4, Y(l));
                Gfx.DrawLine(pen, cx - 4, Y(h), cx + 4, Y(h));
            }
            var labelY = Math.Min(y1, b.High is { } top2 ? Y(top2) : y1) - 11;
            Gfx.DrawString(b.Value.ToString(format, CultureInfo.InvariantCulture), Small, new XSolidBrush(Ink), new XRect(cx - slot / 2, labelY, slot, 10), XStringFormats.TopCenter);
            Gfx.DrawString(Fit(b.Label, Small, slot - 2), Small, new XSolidBrush(Ink), new XRect(cx - slot / 2, area.Bottom + 3, slot, 10), XStringFormats.TopCenter);
        }
        if (reference is { } rv) ThresholdLine(area, Y(rv), referenceLabel);
        _y = area.Bottom + 24;
    }

    /// <summary>Lines over shared x labels, with a legend, axes and an optional threshold line.</summary>
    public void LineChart(string title, IReadOnlyList<ReportSeries> series, double? threshold = null, string? thresholdLabel = null, string format = "0.00")
    {
        const double height = 180;
        Need(height + 30);
        ChartTitle(title);
        var xs = series.SelectMany(s => s.Points.Select(p => p.X)).Distinct().ToList();
        if (xs.Count == 0)
        {
            Paragraph("No data.", muted: true);
            return;
        }
        var values = series.SelectMany(s => s.Points.Select(p => p.Y)).Concat(threshold is { } t ? [t] : []).ToList();
        var (lo, hi) = (Math.Min(0, values.Min()), values.Max() <= 0 ? 1 : values.Max() * 1.1);
        var area = new XRect(Margin + 40, _y, Width - 50, height - 44);
        Axes(area, lo, hi, format);
        double X(string x) => xs.Count == 1 ? area.X + area.Width / 2 : area.X + xs.IndexOf(x) * area.Width / (xs.Count - 1);
        double Y(double v) => area.Bottom - (v - lo) / (hi - lo) * area.Height;
        XColor[] palette = [Accent, XColor.FromArgb(0, 137, 123), XColor.FromArgb(239, 108, 0), XColor.FromArgb(106, 27, 154), XColor.FromArgb(96, 125, 139)];
        for (var s = 0; s < series.Count; s++)
        {
            var pen = new XPen(palette[s % palette.Length], 1.4);
            var points = series[s].Points.Select(p => new XPoint(X(p.X), Y(p.Y))).ToArray();
            if (points.Length > 1) Gfx.DrawLines(pen, points);
            foreach (var p in points) Gfx.DrawEllipse(new XSolidBrush(palette[s % palette.Length]), p.X - 2, p.Y - 2, 4, 4);
            var slot = Math.Min(230, area.Width / series.Count);
            Gfx.DrawRectangle(new XSolidBrush(palette[s % palette.Length]), area.X + s * slot, area.Bottom + 18, 8, 8);
            Gfx.DrawString(Fit(series[s].Name, Small, slot - 16), Small, new XSolidBrush(Ink), new XRect(area.X + s * slot + 11, area.Bottom + 17, slot - 16, 10), XStringFormats.TopLeft);
        }
        var step = Math.Max(1, (int)Math.Ceiling(xs.Count / 8.0));
        for (var i = 0; i < xs.Count; i += step)
            Gfx.DrawString(Fit(xs[i], Small, 70), Small, new XSolidBrush(Ink), new XRect(X(xs[i]) - 35, area.Bottom + 3, 70, 10), XStringFormats.TopCenter);
        if (threshold is { } th) ThresholdLine(area, Y(th), thresholdLabel);
        _y = area.Bottom + 34;
    }

    /// <summary>
    /// Lines over a time axis: each point at its time (several on one day stay apart), ticks at round steps labelled for
    /// the span (seconds, minutes, hours or dates), a legend and an optional threshold line.
    /// </summary>
    public void TimeChart(string title, IReadOnlyList<ReportTimeSeries> series, double? threshold = null, string? thresholdLabel = null, string format = "0.00",
        double? min = null, double? max = null)
    {
        const double height = 180;
        Need(height + 30);
        ChartTitle(title);
        var times = series.SelectMany(s => s.Points.Select(p => p.At)).ToList();
        if (times.Count == 0)
        {
            Paragraph("No data.", muted: true);
            return;
        }
        var values = series.SelectMany(s => s.Points.Select(p => p.Y)).Concat(threshold is { } t ? [t] : []).ToList();
        var (lo, hi) = (min ?? Math.Min(0, values.Min()), max ?? (values.Max() <= 0 ? 1 : values.Max() * 1.1));
        var area = new XRect(Margin + 40, _y, Width - 50, height - 44);
        Axes(area, lo, hi, format);
        var (first, last) = (times.Min(), times.Max());
        var span = last - first;
        // One instant: an hour either side; otherwise a little room at both ends so that no point sits on an axis.
        var pad = span == TimeSpan.Zero ? TimeSpan.FromHours(1) : TimeSpan.FromTicks(Math.Max(span.Ticks / 25, TimeSpan.TicksPerSecond));
        var (from, to) = (first - pad, last + pad);
        double X(DateTime at) => area.X + (at - from).Ticks / (double)(to - from).Ticks * area.Width;
        double Y(double v) => area.Bottom - (Math.Clamp(v, lo, hi) - lo) / (hi - lo) * area.Height;

        var step = TickStep(to - from);
        var labelFormat = step < TimeSpan.FromMinutes(1) ? "HH:mm:ss" : step < TimeSpan.FromDays(1) ? "MM-dd HH:mm" : step < TimeSpan.FromDays(28) ? "yyyy-MM-dd" : "yyyy-MM";
        for (var tick = Floor(from, step); tick <= to; tick = Next(tick, step))
        {
            if (tick < from) continue;
            var x = X(tick);
            Gfx.DrawLine(new XPen(Rule, 0.4), x, area.Y, x, area.Bottom);
            Gfx.DrawLine(new XPen(Muted, 0.7), x, area.Bottom, x, area.Bottom + 3);
            Gfx.DrawString(tick.ToString(labelFormat, CultureInfo.InvariantCulture), Small, new XSolidBrush(Ink), new XRect(x - 40, area.Bottom + 4, 80, 10), XStringFormats.TopCenter);
        }
        XColor[] palette = [Accent, XColor.FromArgb(0, 137, 123), XColor.FromArgb(239, 108, 0), XColor.FromArgb(106, 27, 154), XColor.FromArgb(96, 125, 139)];
        for (var s = 0; s < series.Count; s++)
        {
            var colour = palette[s % palette.Length];
            var points = series[s].Points.OrderBy(p => p.At).Select(p => new XPoint(X(p.At), Y(p.Y))).ToArray();
            if (points.Length > 1) Gfx.DrawLines(new XPen(colour, 1.4), points);
            foreach (var p in points) Gfx.DrawEllipse(new XSolidBrush(colour), p.X - 2.5, p.Y - 2.5, 5, 5);
            var slot = Math.Min(230, area.Width / series.Count);
            Gfx.DrawRectangle(new XSolidBrush(colour), area.X + s * slot, area.Bottom + 20, 8, 8);
            Gfx.DrawString(Fit(series[s].Name, Small, slot - 16), Small, new XSolidBrush(Ink), new XRect(area.X + s * slot + 11, area.Bottom + 19, slot - 16, 10), XStringFormats.TopLeft);
        }
        if (threshold is { } th) ThresholdLine(area, Y(th), thresholdLabel);
        _y = area.Bottom + 36;
    }

    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
        TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(7), TimeSpan.FromDays(14), TimeSpan.FromDays(30), TimeSpan.FromDays(91), TimeSpan.FromDays(365),
    ];

    /// <summary>The smallest round step that draws at most six ticks over the span.</summary>
    private static TimeSpan TickStep(TimeSpan span) => Steps.FirstOrDefault(s => span.Ticks / s.Ticks <= 6, Steps[^1]);

    /// <summary>A tick at a round time: a month or year step starts on the first of a month.</summary>
    private static DateTime Floor(DateTime t, TimeSpan step) => step >= TimeSpan.FromDays(30)
        ? new DateTime(t.Year, t.Month, 1, 0, 0, 0, t.Kind)
        : new DateTime(t.Ticks - t.Ticks % step.Ticks, t.Kind);

    private static DateTime Next(DateTime t, TimeSpan step) => step.TotalDays switch
    {
        >= 365 => t.AddYears(1),
        >= 91 => t.AddMonths(3),
        >= 30 => t.AddMonths(1),
        _ => t + step,
    };

    /// <summary>A labelled matrix of counts (a confusion matrix), shaded by size.</summary>
    public void Matrix(string title, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, long[,] counts, string rowAxis, string columnAxis)
    {
        var cell = 70.0;
        Need(cell * rowLabels.Count + 60);
        ChartTitle(title);
        var x0 = Margin + 110;
        Gfx.DrawString(columnAxis, SmallBold, new XSolidBrush(Muted), new XRect(x0, _y, cell * columnLabels.Count, 10), XStringFormats.TopCenter);
        _y += 12;
        for (var c = 0; c < columnLabels.Count; c++)
            Gfx.DrawString(columnLabels[c], Small, new XSolidBrush(Ink), new XRect(x0 + c * cell, _y, cell, 10), XStringFormats.TopCenter);
        _y += 12;
        var max = Math.Max(1, counts.Cast<long>().Max());
        Gfx.DrawString(rowAxis, SmallBold, new XSolidBrush(Muted), new XRect(Margin, _y - 12, 105, 10), XStringFormats.TopLeft);
        for (var r = 0; r < rowLabels.Count; r++)
        {
            Gfx.DrawString(rowLabels[r], Small, new XSolidBrush(Ink), new XRect(Margin, _y + r * cell + cell / 2 - 5, 105, 10), XStringFormats.TopRight);
            for (var c = 0; c < columnLabels.Count; c++)
            {
                var share = (double)counts[r, c] / max;
                var fill = XColor.FromArgb((int)(236 - share * 170), (int)(239 - share * 160), (int)(250 - share * 90));
                Gfx.DrawRectangle(new XPen(Rule, 0.5), new XSolidBrush(fill), x0 + c * cell, _y + r * cell, cell, cell);
                Gfx.DrawString(counts[r, c].ToString("N0", CultureInfo.InvariantCulture), BodyBold, new XSolidBrush(share > 0.55 ? XColors.White : Ink),
                    new XRect(x0 + c * cell, _y + r * cell + cell / 2 - 6, cell, 12), XStringFormats.TopCenter);
            }
        }
        _y += cell * rowLabels.Count + 12;
    }

    /// <summary>
    /// The lineage picture from the layout's coordinates, on a page of its own: landscape when that draws it larger, scaled
    /// to fit the page (never enlarged), boxes with the kind's colour, badge, name and key fact. Text never gets smaller
    /// than <see cref="MinimumTextSize"/>: at a small scale the boxes keep readable text and shorten it with "…" (the
    /// caller lists every node in full beside the picture). The heading and caption go on the picture's page.
    /// </summary>
    public void Lineage(LayeredLayoutResult layout, IReadOnlyList<(string Badge, string Color, string Name, string KeyFact, bool Focus)> nodes,
        string? heading = null, string? caption = null)
    {
        var above = (heading is null ? 0 : 32) + (caption is null ? 0 : 28) + 8;
        double FitIn(double width, double height) => Math.Min(1, Math.Min(width / Math.Max(1, layout.Width), height / Math.Max(1, layout.Height)));
        var portrait = FitIn(TextWidth, PageHeight - Margin - FooterHeight - ContentTop - above);
        var landscape = FitIn(PageHeight - 2 * Margin, PageWidth - Margin - FooterHeight - ContentTop - above);
        var wide = landscape > portrait * 1.05;
        NewPage(wide);
        if (heading is not null) Heading(heading);
        if (caption is not null) Paragraph(caption, muted: true);
        var scale = FitIn(Width, ContentBottom - _y - 8);
        var (ox, oy) = (Margin + (Width - layout.Width * scale) / 2, _y + 4);
        XPoint P(double x, double y) => new(ox + x * scale, oy + y * scale);
        var edgePen = new XPen(XColor.FromArgb(144, 164, 174), Math.Max(0.6, 1.2 * scale));
        foreach (var route in layout.Edges)
        {
            var pts = route.Points;
            for (var i = 1; i < pts.Count; i++)
            {
                var (a, b) = (P(pts[i - 1].X, pts[i - 1].Y), P(pts[i].X, pts[i].Y));
                if (a.Y == b.Y) Gfx.DrawLine(edgePen, a, b);
                else
                {
                    var mid = (a.X + b.X) / 2;
                    Gfx.DrawBezier(edgePen, a, new XPoint(mid, a.Y), new XPoint(mid, b.Y), b);
                }
            }
            var end = P(pts[^1].X, pts[^1].Y);
            var arrow = Math.Max(2.5, 4 * scale);
            Gfx.DrawPolygon(new XSolidBrush(XColor.FromArgb(120, 144, 156)), new[] { end, new XPoint(end.X - arrow * 1.6, end.Y - arrow), new XPoint(end.X - arrow * 1.6, end.Y + arrow) },
                XFillMode.Winding);
        }
        double Readable(double size) => Math.Clamp(size * scale, MinimumTextSize, size);
        var nameFont = Font(Readable(10.5), bold: true);
        var factFont = Font(Readable(9));
        var badgeFont = Font(MinimumTextSize, bold: true);
        for (var i = 0; i < nodes.Count; i++)
        {
            var box = layout.Nodes[i];
            var n = nodes[i];
            var color = XColor.FromArgb(
                Convert.ToInt32(n.Color.Substring(1, 2), 16), Convert.ToInt32(n.Color.Substring(3, 2), 16), Convert.ToInt32(n.Color.Substring(5, 2), 16));
            var topLeft = P(box.X, box.Y);
            var (w, h) = (box.Width * scale, box.Height * scale);
            var radius = Math.Max(3, 8 * scale);
            Gfx.DrawRoundedRectangle(new XPen(n.Focus ? XColor.FromArgb(255, 143, 0) : color, n.Focus ? 2 : 1), new XSolidBrush(n.Focus ? XColor.FromArgb(255, 248, 225) : XColors.White),
                topLeft.X, topLeft.Y, w, h, radius, radius);
            var bar = Math.Max(3, 5 * scale);
            Gfx.DrawRectangle(new XSolidBrush(color), topLeft.X, topLeft.Y, bar, h);
            // The badge: a circle big enough for its two letters at the minimum text size.
            var d = Math.Min(h - 4, Math.Max(16, 28 * scale));
            var badgeX = topLeft.X + bar + 3;
            Gfx.DrawEllipse(new XSolidBrush(color), badgeX, topLeft.Y + (h - d) / 2, d, d);
            Gfx.DrawString(n.Badge, badgeFont, XBrushes.White, new XRect(badgeX, topLeft.Y + h / 2 - badgeFont.Size * 0.6, d, badgeFont.Size * 1.2), XStringFormats.TopCenter);
            var textX = badgeX + d + 4;
            var textWidth = topLeft.X + w - 3 - textX;
            var nameHeight = nameFont.Size * 1.2;
            var factHeight = factFont.Size * 1.2;
            var both = nameHeight + factHeight <= h - 2;
            var textY = topLeft.Y + (h - (both ? nameHeight + factHeight : nameHeight)) / 2;
            Gfx.DrawString(Fit(n.Name, nameFont, textWidth), nameFont, new XSolidBrush(Ink), new XRect(textX, textY, textWidth, nameHeight), XStringFormats.TopLeft);
            if (both)
                Gfx.DrawString(Fit(n.KeyFact, factFont, textWidth), factFont, new XSolidBrush(Muted), new XRect(textX, textY + nameHeight, textWidth, factHeight), XStringFormats.TopLeft);
        }
        _y = oy + layout.Height * scale + 12;
        // What follows goes back to portrait pages.
        if (wide) _y = ContentBottom + 1;
    }

    /// <summary>A dashed red line across a chart at a policy's threshold, labelled at the right.</summary>
    private void ThresholdLine(XRect area, double y, string? label)
    {
        Gfx.DrawLine(new XPen(Danger, 0.8) { DashStyle = XDashStyle.Dash }, area.X, y, area.Right, y);
        if (label is not null)
            Gfx.DrawString(label, Small, new XSolidBrush(Danger), new XRect(area.Right - 160, y - 11, 160, 10), XStringFormats.TopRight);
    }

    private void ChartTitle(string title)
    {
        Gfx.DrawString(title, BodyBold, new XSolidBrush(Ink), new XRect(Margin, _y, Width, 14), XStringFormats.TopLeft);
        _y += 18;
    }

    private void Axes(XRect area, double lo, double hi, string format)
    {
        var pen = new XPen(Muted, 0.7);
        Gfx.DrawLine(pen, area.X, area.Y, area.X, area.Bottom);
        Gfx.DrawLine(pen, area.X, area.Bottom, area.Right, area.Bottom);
        for (var k = 0; k <= 4; k++)
        {
            var v = lo + (hi - lo) * k / 4;
            var y = area.Bottom - area.Height * k / 4;
            Gfx.DrawLine(new XPen(Rule, 0.4), area.X, y, area.Right, y);
            Gfx.DrawString(v.ToString(format, CultureInfo.InvariantCulture), Small, new XSolidBrush(Muted), new XRect(Margin - 5, y - 5, 40, 10), XStringFormats.TopRight);
        }
    }

    // ---- text -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Greedy word wrap by measured width, breaking at spaces only. A single word wider than the column (an e-mail address,
    /// an action code, a hash) breaks after '@', '.', '-', '/', '_' or ',' — the longest piece that fits — and only a
    /// word with no such point (a hash) is cut where the width ends.
    /// </summary>
    public static List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            lines.Add("");
            return lines;
        }
        var measure = Measurer;
        bool Fits(string s) => measure.MeasureString(s, font).Width <= width;
        var current = "";
        foreach (var word in text.Split(' '))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (Fits(candidate))
            {
                current = candidate;
                continue;
            }
            if (current.Length > 0) lines.Add(current);
            current = word;
            while (!Fits(current) && current.Length > 1)
            {
                var cut = BreakPoint(current, Fits);
                lines.Add(current[..cut]);
                current = current[cut..];
            }
        }
        lines.Add(current);
        return lines;
    }

    private const string BreakAfter = ".-/_,";

    /// <summary>
    /// Where an over-long word breaks: after its '@' when that piece fits (an e-mail address keeps its domain whole), else
    /// after the last break character whose piece fits, else at the width.
    /// </summary>
    private static int BreakPoint(string word, Func<string, bool> fits)
    {
        var at = word.IndexOf('@');
        if (at > 0 && at < word.Length - 1 && fits(word[..(at + 1)])) return at + 1;
        for (var i = word.Length - 2; i >= 1; i--)
            if (BreakAfter.Contains(word[i]) && fits(word[..(i + 1)]))
                return i + 1;
        var cut = word.Length - 1;
        while (cut > 1 && !fits(word[..cut])) cut--;
        return cut;
    }

    private static string Fit(string text, XFont font, double width)
    {
        if (Measurer.MeasureString(text, font).Width <= width) return text;
        var cut = text.Length;
        while (cut > 1 && Measurer.MeasureString(text[..cut] + "…", font).Width > width) cut--;
        return text[..cut] + "…";
    }

    [ThreadStatic] private static XGraphics? _measurer;
    private static XGraphics Measurer => _measurer ??= XGraphics.CreateMeasureContext(new XSize(PageWidth, PageHeight), XGraphicsUnit.Point, XPageDirection.Downwards);

    // ---- finishing ------------------------------------------------------------------------------------------

    /// <summary>
    /// Fills in the table of contents, draws the header and "page X of Y" on every page but the cover, signs the
    /// document when a signer is given (the signature covers every byte but itself), and returns the file's bytes.
    /// </summary>
    public byte[] Finish(ReportSigner? signer = null)
    {
        _gfx?.Dispose();
        _gfx = null;
        var pages = _document.PageCount;
        _finalPages = pages;
        if (_tocPage is not null)
        {
            using var toc = XGraphics.FromPdfPage(_tocPage, XGraphicsPdfPageOptions.Append);
            var y = ContentTop;
            toc.DrawString("Contents", Font(15, bold: true), new XSolidBrush(Accent), new XRect(Margin, y, TextWidth, 20), XStringFormats.TopLeft);
            y += 28;
            foreach (var (level, text, page) in _contents)
            {
                if (y > PageHeight - Margin - FooterHeight - 12) break;
                var font = level == 1 ? Body : Small;
                var indent = level == 1 ? 0 : 16;
                toc.DrawString(Fit(text, font, TextWidth - 60 - indent), font, new XSolidBrush(Ink), new XRect(Margin + indent, y, TextWidth - 60, 12), XStringFormats.TopLeft);
                toc.DrawString(page.ToString(CultureInfo.InvariantCulture), font, new XSolidBrush(Ink), new XRect(Margin, y, TextWidth, 12), XStringFormats.TopRight);
                y += level == 1 ? 15 : 12.5;
            }
        }
        for (var i = 1; i < pages; i++)
        {
            var page = _document.Pages[i];
            var (w, h) = (page.Width.Point, page.Height.Point);
            using var g = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            g.DrawString(Fit(_header, Small, w - 2 * Margin - 80), Small, new XSolidBrush(Muted), new XRect(Margin, Margin, w - 2 * Margin, 12), XStringFormats.TopLeft);
            g.DrawLine(new XPen(Rule, 0.5), Margin, Margin + 15, w - Margin, Margin + 15);
            g.DrawString($"Page {i + 1} of {pages}", Small, new XSolidBrush(Muted), new XRect(Margin, h - Margin - 10, w - 2 * Margin, 12), XStringFormats.TopRight);
        }
        if (signer is not null)
        {
            DigitalSignatureHandler.ForDocument(_document, new PdfSharpDefaultSigner(signer.Certificate, PdfMessageDigestType.SHA256, null),
                new DigitalSignatureOptions
                {
                    Reason = signer.Reason, Location = signer.Location, ContactInfo = signer.ContactInfo, AppName = "MLOps Governance Portal",
                    PageIndex = 0, Rectangle = new XRect(Margin, Margin, 1, 1),
                });
        }
        using var stream = new MemoryStream();
        _document.Save(stream, closeStream: false);
        return stream.ToArray();
    }
}
