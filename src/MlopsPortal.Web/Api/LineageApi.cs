using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.Security;
using MlopsPortal.Web.Components.Pages.Lineage;

namespace MlopsPortal.Web.Api;

public sealed record LineageNodeResponse(string Id, string Kind, string Name, string KeyFact, string? Url, bool Focus, int Members, string Detail);

public sealed record LineageResponse(string Focus, IReadOnlyList<LineageNodeResponse> Nodes, IReadOnlyList<LineageLink> Edges, bool Truncated, IReadOnlyList<string> Collapsed)
{
    public static LineageResponse From(LineageGraph g) => new(g.Focus,
        g.Nodes.Select(n => new LineageNodeResponse(n.Id, n.Kind, n.Name, n.KeyFact, n.Url, n.Focus, n.Members, n.Detail)).ToList(), g.Edges, g.Truncated, g.Collapsed);
}

/// <summary>/api/v1/lineage: the graph around any entity as JSON or as the page's SVG, and a prediction's provenance.</summary>
public static class LineageApi
{
    public static void MapLineageApi(this RouteGroupBuilder api)
    {
        api.MapGet("/lineage/{kind}/{id}", async (string kind, string id, string? direction, int? depth, bool? collapse, string[]? expand, string[]? hide,
                LineageService lineage, CancellationToken ct) =>
                LineageResponse.From(await lineage.GetAsync(Query(kind, id, direction, depth, collapse, expand, hide), ct)))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("The lineage graph around an entity: direction=up|down|both (default both), depth 1–10 (default 3), collapse=false to list every sibling, "
                         + "expand=GROUP-ID to open a group, hide=KIND to leave a kind out.");

        api.MapGet("/lineage/{kind}/{id}/svg", async (string kind, string id, string? direction, int? depth, bool? collapse, string[]? expand, string[]? hide,
                LineageService lineage, IServiceProvider services, ILoggerFactory logs, CancellationToken ct) =>
            {
                var drawing = LineageDrawing.Of(await lineage.GetAsync(Query(kind, id, direction, depth, collapse, expand, hide), ct));
                await using var renderer = new HtmlRenderer(services, logs);
                var svg = await renderer.Dispatcher.InvokeAsync(async () =>
                    (await renderer.RenderComponentAsync<LineageSvg>(ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(LineageSvg.Drawing)] = drawing })))
                    .ToHtmlString());
                return Results.Text("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg, "image/svg+xml");
            })
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("The same lineage picture as the page, as a standalone SVG file.");

        api.MapGet("/lineage/{kind}/{id}/provenance", async (string kind, string id, LineageService lineage, CancellationToken ct) =>
                await lineage.ExplainAsync(kind, id, ct))
            .RequirePolicy(Policies.SignedIn)
            .WithSummary("Where a prediction came from: from a scoring output (dataset-version) or scoring-job, or from a model-version, back to the training data's "
                         + "content hashes, the code version, the hyperparameters and the people who approved the version.");
    }

    private static LineageQuery Query(string kind, string id, string? direction, int? depth, bool? collapse, string[]? expand, string[]? hide) =>
        new(kind, id, direction switch
        {
            null or "both" => LineageDirection.Both,
            "up" => LineageDirection.Up,
            "down" => LineageDirection.Down,
            _ => throw new PortalValidationException($"direction must be up, down or both, not '{direction}'."),
        }, depth ?? LineageService.DefaultDepth)
        {
            Collapse = collapse ?? true,
            Expand = (expand ?? []).ToHashSet(),
            Hide = (hide ?? []).ToHashSet(),
        };
}
