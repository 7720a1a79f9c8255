using MudBlazor;

namespace MlopsPortal.Web.Components.Layout;

/// <summary>
/// The portal's own MudBlazor theme. Every foreground/background pair that carries text meets WCAG 2.1 AA (4.5:1):
/// white on the light palette's colours, black on the dark palette's. Fonts are local (no web-font download).
/// </summary>
public static class PortalTheme
{
    private static readonly string[] Sans = ["Roboto", "\"Segoe UI\"", "\"DejaVu Sans\"", "\"Helvetica Neue\"", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5", PrimaryContrastText = "#ffffff",
            Secondary = "#00695c", SecondaryContrastText = "#ffffff",
            Tertiary = "#6a1b9a", TertiaryContrastText = "#ffffff",
            Info = "#1565c0", InfoContrastText = "#ffffff",
            Success = "#2e7d32", SuccessContrastText = "#ffffff",
            Warning = "#a15c00", WarningContrastText = "#ffffff",
            Error = "#b3261e", ErrorContrastText = "#ffffff",
            Dark = "#37474f", DarkContrastText = "#ffffff",
            AppbarBackground = "#303f9f", AppbarText = "#ffffff",
            Background = "#f5f6fa", Surface = "#ffffff",
            DrawerBackground = "#ffffff", DrawerText = "#212121", DrawerIcon = "#424242",
            TextPrimary = "#212121", TextSecondary = "#595959", TextDisabled = "#6b6b6b",
            ActionDefault = "#424242",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8da", PrimaryContrastText = "#000000",
            Secondary = "#80cbc4", SecondaryContrastText = "#000000",
            Tertiary = "#ce93d8", TertiaryContrastText = "#000000",
            Info = "#90caf9", InfoContrastText = "#000000",
            Success = "#81c784", SuccessContrastText = "#000000",
            Warning = "#ffb74d", WarningContrastText = "#000000",
            Error = "#ef9a9a", ErrorContrastText = "#000000",
            Dark = "#cfd8dc", DarkContrastText = "#000000",
            AppbarBackground = "#1a1a27", AppbarText = "#e0e0e0",
            Background = "#1e1e2d", Surface = "#27273a",
            DrawerBackground = "#222233", DrawerText = "#e0e0e0", DrawerIcon = "#c0c0d0",
            TextPrimary = "#e6e6ef", TextSecondary = "#b8b8c8", TextDisabled = "#9a9aaa",
            ActionDefault = "#d0d0dc",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Sans },
            H1 = new H1Typography { FontFamily = Sans, FontSize = "1.75rem", FontWeight = "500", LineHeight = "1.3" },
            H2 = new H2Typography { FontFamily = Sans, FontSize = "1.25rem", FontWeight = "500", LineHeight = "1.35" },
            H3 = new H3Typography { FontFamily = Sans, FontSize = "1.1rem", FontWeight = "500", LineHeight = "1.4" },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "248px" },
    };
}
