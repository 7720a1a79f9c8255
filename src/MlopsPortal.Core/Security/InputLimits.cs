using System.Globalization;

namespace MlopsPortal.Core.Security;

/// <summary>
/// How much free text and how many list items the portal accepts, in one place. Services check them, so the API, the
/// command line and the pages refuse the same input with the same sentence naming the field and the limit; the EF
/// configurations size their columns from the same constants. Without them, a 1 MiB anchor purpose was stored (and
/// every page listing it carried the megabyte) and a model with 100,000 feature columns was accepted.
/// </summary>
public static class InputLimits
{
    /// <summary>Short identifiers: a model's slug, a dataset's name, a team, an API token's name.</summary>
    public const int ShortName = 100;
    /// <summary>Names and labels: a display name, a label column and its positive value, a webhook's name, a code version.</summary>
    public const int Name = 200;
    /// <summary>A column of a dataset, as a model, a contract or an audit names it.</summary>
    public const int ColumnName = 200;
    /// <summary>One line: an audit anchor's purpose, a user name, an SMTP host or address.</summary>
    public const int Line = 256;
    /// <summary>A short paragraph: a model's use case, a delegation's or training run's reason, a notification link.</summary>
    public const int Summary = 500;
    /// <summary>Reasons and sources: a gate override, a withdrawal, an alert's comment or resolution, a URL.</summary>
    public const int Reason = 2000;
    /// <summary>Prose: descriptions, known limitations, justifications, sign-off and decision comments.</summary>
    public const int Prose = 4000;

    /// <summary>Feature columns of a model (and columns of its data contract, drift overrides, a dataset's sensitive list).</summary>
    public const int FeatureColumns = 5000;
    /// <summary>Other lists of names: key columns, sensitive attributes, acceptance criteria, webhook events, hyperparameters.</summary>
    public const int ListItems = 100;
    /// <summary>A model's owners (stored as one JSON text of at most <see cref="OwnersJson"/> characters).</summary>
    public const int Owners = 20;
    public const int OwnersJson = 2000;

    /// <summary>The largest PDF accepted for verification.</summary>
    public const long ReportVerifyBytes = 32L << 20;

    /// <summary>Throws naming the field when <paramref name="value"/> is longer than <paramref name="max"/> characters.</summary>
    public static string? Text(string? value, string field, int max)
    {
        if (value is not null && value.Length > max)
            throw new PortalValidationException($"{field} is {N(value.Length)} characters long; the limit is {N(max)}.");
        return value;
    }

    /// <summary>Trimmed text that must be there and fit: "Write a comment", or the limit.</summary>
    public static string Required(string? value, string what, int max)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0) throw new PortalValidationException($"Write a {what}: it is part of the record.");
        return Text(text, $"The {what}", max)!;
    }

    /// <summary>Throws naming the field when the list has more than <paramref name="maxItems"/> items or an item is too long.</summary>
    public static T? List<T>(T? values, string field, int maxItems, int maxItemLength) where T : IEnumerable<string>
    {
        if (values is null) return values;
        var count = 0;
        foreach (var v in values)
        {
            if (++count > maxItems)
                throw new PortalValidationException($"{field} has {N(values.Count())} items; the limit is {N(maxItems)}.");
            Text(v, $"An item of {field.ToLowerInvariant()} ('{Cut(v)}')", maxItemLength);
        }
        return values;
    }

    /// <summary>Throws naming the field when a list (of anything) has more than <paramref name="maxItems"/> items.</summary>
    public static void Count<T>(IReadOnlyCollection<T>? values, string field, int maxItems)
    {
        if (values is not null && values.Count > maxItems)
            throw new PortalValidationException($"{field} has {N(values.Count)} items; the limit is {N(maxItems)}.");
    }

    /// <summary>Throws naming the field when a number is NaN or infinite (JSON may carry "NaN" as a string).</summary>
    public static double Finite(double value, string field) =>
        double.IsFinite(value) ? value : throw new PortalValidationException($"{field} must be a finite number, not {value.ToString(CultureInfo.InvariantCulture)}.");

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Cut(string? v) => v is null ? "" : v.Length <= 40 ? v : v[..37] + "…";
}
