using Bunit;
using MudBlazor.Services;

namespace MlopsPortal.Web.Tests.Shared;

/// <summary>
/// A bUnit context that renders MudBlazor components: loose JS interop (MudBlazor calls its scripts on render) and
/// MudBlazor's services. One per test, disposed with <c>await using</c>: those services are IAsyncDisposable only, which
/// is why no test class inherits <see cref="BunitContext"/> when it renders MudBlazor.
/// </summary>
public static class MudContext
{
    public static BunitContext Create()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx;
    }
}
