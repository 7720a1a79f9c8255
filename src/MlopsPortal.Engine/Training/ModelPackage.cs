using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MlopsPortal.Engine.Hashing;
using MlopsPortal.Engine.Models;

namespace MlopsPortal.Engine.Training;

/// <summary>
/// Only what determines a model (contracts §3): features and their encodings, the label mapping,
/// hyperparameters (nthread pinned), seed, engine and version, and the training data's SHA-256. No run
/// ids, times or names: those live in the database and point here by the package's hash.
/// </summary>
public sealed record ModelManifest(
    int FormatVersion, string Task, IReadOnlyList<FeatureEncoding> Features, LabelEncoding Label,
    IReadOnlyDictionary<string, string> Hyperparameters, int Seed, string Engine, string EngineVersion, string TrainingDataSha256);

/// <summary>
/// The model package: a zip holding <c>manifest.json</c> (canonical JSON) and the model in its engine's own format
/// (<c>model.json</c> for XGBoost, <c>model.zip</c> for ML.NET, <c>model.onnx</c> for ONNX), in that order, with fixed timestamps and no extra fields, so the same model gives the same bytes
/// and so the same SHA-256.
/// </summary>
public static class ModelPackage
{
    public const string ManifestEntry = "manifest.json";
    public const string ModelEntry = "model.json";
    internal static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static byte[] Write(ModelManifest manifest, ReadOnlySpan<byte> model)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, ManifestEntry, Encoding.UTF8.GetBytes(CanonicalJson.Serialize(JsonSerializer.SerializeToNode(manifest, Json))));
            Add(zip, ModelEngines.EntryFor(manifest.Engine), model);
        }
        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, ReadOnlySpan<byte> content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTime;
        using var stream = entry.Open();
        stream.Write(content);
    }

    /// <summary>Reads a package; anything that is not one says so in a sentence.</summary>
    public static (ModelManifest Manifest, byte[] Model) Read(Stream package)
    {
        try
        {
            using var zip = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
            var manifest = zip.GetEntry(ManifestEntry) ?? throw new InvalidDataException($"it has no {ManifestEntry}");
            using var manifestStream = manifest.Open();
            var parsed = JsonSerializer.Deserialize<ModelManifest>(manifestStream, Json) ?? throw new InvalidDataException("its manifest is empty");
            if (parsed.FormatVersion != 1)
                throw new InvalidDataException($"its format version is {parsed.FormatVersion}; this portal reads version 1");
            var entry = ModelEngines.EntryFor(parsed.Engine);
            var model = zip.GetEntry(entry) ?? throw new InvalidDataException($"it has no {entry}");
            using var modelStream = model.Open();
            using var copy = new MemoryStream();
            modelStream.CopyTo(copy);
            return (parsed, copy.ToArray());
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            throw new InvalidDataException($"The file is not a model package: {e.Message.TrimEnd('.')}.", e);
        }
    }

    public static string Sha256(ReadOnlySpan<byte> package) => Sha256Hex.Of(package);
}
