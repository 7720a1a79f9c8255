using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using MlopsPortal.Core.Artifacts;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Web.Api;

public sealed record DatasetVersionCreated(
    Guid Id, string Dataset, int Version, bool Created, string Sha256, long Rows, int Columns, long SizeBytes, IReadOnlyList<string> Warnings)
{
    /// <summary>201 with the new version's location, or 200 when the dataset already had these bytes.</summary>
    public static IResult Result(DatasetVersion v, string dataset, bool created, string location)
    {
        var body = new DatasetVersionCreated(v.Id, dataset.Trim(), v.Version, created, v.Sha256, v.RowCount, v.ColumnCount, v.SizeBytes,
            System.Text.Json.JsonSerializer.Deserialize<string[]>(v.Warnings)!);
        return created ? Results.Created($"{location}/{v.Id}", body) : Results.Ok(body);
    }
}

/// <summary>What an outcome upload answers: the counts, and samples of the keys that did not count.</summary>
public sealed record OutcomeUploadResponse(Guid Id, string Model, Guid DatasetVersionId, long Rows, long Matched, long Unknown, long Duplicates,
    IReadOnlyList<string> UnknownSample, IReadOnlyList<string> DuplicateSample, IReadOnlyList<Guid> LabelledJobs, DateTime UploadedAt)
{
    public static OutcomeUploadResponse Of(Core.Monitoring.OutcomeUpload u, string model) =>
        new(u.Id, model, u.DatasetVersionId, u.Rows, u.Matched, u.Unknown, u.Duplicates, u.UnknownSample, u.DuplicateSample, u.LabelledJobs, u.UploadedAt);
}

/// <summary>
/// Receives a CSV from a multipart/form-data request and streams its file part straight into the
/// dataset service (and so into the artifact store): the body is never buffered, whatever its size.
/// Shared by the browser's upload endpoint and POST /api/v1/datasets.
/// </summary>
public static class CsvUploads
{
    /// <summary>Room for the multipart boundaries and the name field on top of the file itself.</summary>
    private const long EnvelopeBytes = 1 << 20;

    public static Task<IResult> ReceiveAsync(HttpContext http, Actor actor, string? name, string location) =>
        ReadFileAsync(http, "name", name, "Name the dataset: send the 'name' field before the file (or ?name= in the URL).", async (value, body, fileName) =>
        {
            var (version, created) = await http.RequestServices.GetRequiredService<DatasetService>().AddAsync(actor, body, value, fileName, http.RequestAborted);
            return DatasetVersionCreated.Result(version, value, created, location);
        });

    /// <summary>A model's outcomes (POST /api/v1/outcomes and the browser's upload): 201 with what matched.</summary>
    public static Task<IResult> ReceiveOutcomesAsync(HttpContext http, Actor actor, string? model) =>
        ReadFileAsync(http, "model", model, "Name the model: send the 'model' field before the file (or ?model= in the URL).", async (value, body, fileName) =>
        {
            var upload = await http.RequestServices.GetRequiredService<Core.Monitoring.OutcomeService>().AddAsync(actor, value, body, fileName, http.RequestAborted);
            return Results.Created($"{PortalApi.Prefix}/outcomes/{upload.Id}", OutcomeUploadResponse.Of(upload, value.Trim()));
        });

    /// <summary>Streams the multipart body's file part into <paramref name="store"/>, after the named text field (or the query's value).</summary>
    private static async Task<IResult> ReadFileAsync(HttpContext http, string field, string? value, string missing, Func<string, Stream, string?, Task<IResult>> store)
    {
        var name = value;
        var limit = http.RequestServices.GetRequiredService<IOptions<DatasetOptions>>().Value.MaxUploadBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + EnvelopeBytes;
        if (http.Request.ContentLength is { } declared && declared > limit + EnvelopeBytes)
            throw new PortalValidationException($"The upload is larger than the limit of {ByteSize.Format(limit)} (Datasets:MaxUploadBytes).");

        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
            throw new PortalValidationException($"Send multipart/form-data with a '{field}' field and then a 'file' part holding the CSV.");

        var reader = new MultipartReader(boundary, http.Request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    continue;
                if (disposition.IsFileDisposition())
                {
                    if (string.IsNullOrWhiteSpace(name))
                        throw new PortalValidationException(missing);
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    return await store(name, section.Body, fileName);
                }
                if (disposition.Name.Value == field)
                {
                    using var text = new StreamReader(section.Body);
                    var buffer = new char[201];
                    var read = await text.ReadBlockAsync(buffer, http.RequestAborted);
                    if (read > 200)
                        throw new PortalValidationException($"The '{field}' field is longer than 200 characters.");
                    name = new string(buffer, 0, read);
                }
            }
        }
        catch (IOException e) when (e is not EndOfStreamException && http.RequestAborted.IsCancellationRequested)
        {
            throw new OperationCanceledException("The client went away during the upload.", e, http.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            throw new PortalValidationException($"The multipart body is malformed: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new PortalValidationException($"The upload is larger than the limit of {ByteSize.Format(limit)} (Datasets:MaxUploadBytes).");
        }
        throw new PortalValidationException("The request has no 'file' part: send the CSV as a file field named 'file'.");
    }
}
