using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MlopsPortal.Core.Data;

public static class JsonColumnExtensions
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
    private static JsonSerializerOptions Json => Options;

    /// <summary>Stores the property as JSON text, compared by its JSON so that edits inside lists are saved.</summary>
    public static PropertyBuilder<T> AsJson<T>(this PropertyBuilder<T> property) where T : class
    {
        property.HasConversion(new ValueConverter<T, string>(
                v => JsonSerializer.Serialize(v, Json),
                s => JsonSerializer.Deserialize<T>(s, Json)!),
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                v => JsonSerializer.Serialize(v, Json).GetHashCode(),
                v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Json), Json)!));
        return property.IsRequired();
    }
}
