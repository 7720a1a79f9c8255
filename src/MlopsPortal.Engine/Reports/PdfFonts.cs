using PdfSharp.Fonts;

namespace MlopsPortal.Engine.Reports;

/// <summary>
/// PDFsharp has no system-font access on Linux: this resolver maps the report's two families to Debian's DejaVu TTFs
/// (fonts-dejavu-core, installed by scripts/prerequisites.sh) and hands PDFsharp their bytes, which it embeds as subsets.
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    public const string Sans = "DejaVu Sans";
    public const string Mono = "DejaVu Sans Mono";
    public static string Directory { get; set; } = Environment.GetEnvironmentVariable("MLOPS_FONT_DIR") ?? "/usr/share/fonts/truetype/dejavu";

    private static readonly object Gate = new();
    private static bool _installed;
    private readonly Dictionary<string, byte[]> _cache = [];

    /// <summary>Sets the resolver once per process, before any XFont exists.</summary>
    public static bool Install()
    {
        lock (Gate)
        {
            if (_installed) return true;
            GlobalFontSettings.FontResolver = new PdfFonts();
            return _installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        var mono = familyName.Contains("Mono", StringComparison.OrdinalIgnoreCase);
        var face = (mono ? "DejaVuSansMono" : "DejaVuSans") + (bold, italic) switch
        {
            (true, true) => "-BoldOblique",
            (true, false) => "-Bold",
            (false, true) => "-Oblique",
            _ => "",
        };
        return new FontResolverInfo(face);
    }

    public byte[]? GetFont(string faceName)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue(faceName, out var bytes)) return bytes;
            var path = Path.Combine(Directory, faceName + ".ttf");
            if (!File.Exists(path))
                throw new FileNotFoundException($"The report font {path} is missing: install Debian's fonts-dejavu-core (scripts/prerequisites.sh) or set MLOPS_FONT_DIR.");
            return _cache[faceName] = File.ReadAllBytes(path);
        }
    }
}
