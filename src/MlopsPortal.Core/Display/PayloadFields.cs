using System.Globalization;
using System.Text.Json;

namespace MlopsPortal.Core.Display;

/// <summary>One field of an audit event's payload as people read it: its name in words, and its value (with the old value when it changed).</summary>
public sealed record PayloadField(string Name, string Value, string? Before = null)
{
    public bool Changed => Before is not null;
}

/// <summary>
/// Reads an audit payload (JSON) into fields for people: nested objects flatten to "Changes › Risk tier", a
/// { before, after } pair becomes one changed field (old → new), lists join with commas. Never shows raw JSON.
/// </summary>
public static class PayloadFields
{
    public static IReadOnlyList<PayloadField> Read(string? json)
    {
        var fields = new List<PayloadField>();
        if (string.IsNullOrWhiteSpace(json)) return fields;
        try
        {
            using var doc = JsonDocument.Parse(json);
            Walk(doc.RootElement, "", fields);
        }
        catch (JsonException)
        {
            fields.Add(new PayloadField("Details", json));
        }
        return fields;
    }

    private static void Walk(JsonElement element, string path, List<PayloadField> fields)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var properties = element.EnumerateObject().ToList();
            if (path.Length > 0 && properties.Count == 2 && element.TryGetProperty("before", out var before) && element.TryGetProperty("after", out var after))
            {
                fields.Add(new PayloadField(path, Text(after), Text(before)));
                return;
            }
            foreach (var p in properties)
                Walk(p.Value, path.Length == 0 ? DisplayNames.Words(p.Name) : $"{path} › {DisplayNames.Words(p.Name)}", fields);
            return;
        }
        fields.Add(new PayloadField(path.Length == 0 ? "Value" : path, Text(element)));
    }

    /// <summary>A value in words: strings as they are, numbers without exponents, lists joined, objects as "name: value" pairs.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : "(empty)",
        JsonValueKind.Number => value.TryGetDouble(out var d) ? DisplayNames.Number(d, 6) : value.GetRawText(),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null or JsonValueKind.Undefined => "none",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "none" : string.Join(", ", value.EnumerateArray().Select(Text)),
        JsonValueKind.Object => string.Join("; ", value.EnumerateObject().Select(p => $"{DisplayNames.Words(p.Name).ToLower(CultureInfo.InvariantCulture)}: {Text(p.Value)}")),
        _ => value.GetRawText(),
    };
}
