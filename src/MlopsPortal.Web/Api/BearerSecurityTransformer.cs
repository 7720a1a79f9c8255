using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MlopsPortal.Web.Api;

/// <summary>Declares the personal-token bearer scheme in the OpenAPI document.</summary>
public sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "MLOps Governance Portal API";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["ApiToken"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A personal API token (mlp_…), created under API tokens in the portal.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiToken", document)] = [] }];
        return Task.CompletedTask;
    }
}
