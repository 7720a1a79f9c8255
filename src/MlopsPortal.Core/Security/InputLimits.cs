using System.Globalization;

namespace MlopsPortal.Core.Security;

/// <summary>
/// How much free text and how many list items the portal accepts, in one place. Services check them (so the API, the
/// command line and the pages refuse the same input with the same sentence), and the EF configurations size their
/// columns from the same constants.
/// </summary>
public static class InputLimits
{
    /// <summary>Names, titles, labels and identifiers a person types: a model's display name, a token's name.</summary>
    public const int Name = 200;
    /// <summary>One-line reasons and purposes: an anchor's purpose, a cancel reason.</summary>
    public const int Line = 256;
    /// <summary>Comments, justifications, descriptions and other prose.</summary>
    public const int Prose = 4000;
    /// <summary>A column name of a dataset or a model's feature, key, label or sensitive column.</summary>
    public const int ColumnName = 256;
    /// <summary>Columns a model may name as features (XGBoost handles more, but no governed model is reviewed with more).</summary>
    public const int FeatureColumns = 2000;
    /// <summary>Items of the other lists: owners, key and sensitive columns, known limitations, acceptance criteria.</summary>
    public const int ListItems = 100;
    /// <summary>The largest PDF accepted for verification.</summary>
    public const long ReportVerifyBytes = 32L << 20;

    /// <summary>Throws naming the field when <paramref name="value"/> is longer than <paramref name="max"/> characters.</summary>
    public static string? Text(string? value, string field, int max)
    {
        if (value is not null && value.Length > max)
            throw new PortalValidationException(
                $"{field} is {value.Length.ToString("N0", CultureInfo.InvariantCulture)} characters long; the limit is {max.ToString("N0", CultureInfo.InvariantCulture)}.");
        return value;
    }

    /// <summary>Throws naming the field when the list has more than <paramref name="maxItems"/> items or an item is too long.</summary>
    public static IReadOnlyCollection<string>? List(IReadOnlyCollection<string>? values, string field, int maxItems, int maxItemLength)
    {
        if (values is null) return null;
        if (values.Count > maxItems)
            throw new PortalValidationException(
                $"{field} has {values.Count.ToString("N0", CultureInfo.InvariantCulture)} items; the limit is {maxItems.ToString("N0", CultureInfo.InvariantCulture)}.");
        foreach (var v in values)
            Text(v, $"An item of {field}", maxItemLength);
        return values;
    }

    /// <summary>Throws naming the field when a number is NaN or infinite (JSON may carry "NaN" as a string).</summary>
    public static double Finite(double value, string field) =>
        double.IsFinite(value) ? value : throw new PortalValidationException($"{field} must be a finite number, not {value.ToString(CultureInfo.InvariantCulture)}.");
}
