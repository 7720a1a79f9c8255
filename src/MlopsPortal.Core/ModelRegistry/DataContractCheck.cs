using MlopsPortal.Core.Datasets;

namespace MlopsPortal.Core.ModelRegistry;

/// <summary>One way a dataset breaks a model's data contract, in words a reader can act on.</summary>
public sealed record ContractViolation(string Column, string Kind, string Message);

/// <summary>
/// Checks a dataset version's stored schema against a model's data contract: every contract column must
/// be present with a compatible type, without missing values unless nullable, within the allowed
/// categories and range. Extra columns in the dataset are fine.
/// </summary>
public static class DataContractCheck
{
    public static IReadOnlyList<ContractViolation> Check(IReadOnlyList<ContractColumn> contract, IReadOnlyList<SchemaColumn> schema)
    {
        var byName = schema.ToDictionary(c => c.Name);
        var violations = new List<ContractViolation>();
        foreach (var expected in contract)
        {
            if (!byName.TryGetValue(expected.Name, out var actual))
            {
                violations.Add(new(expected.Name, "missing", $"Column '{expected.Name}' is missing."));
                continue;
            }
            if (!Compatible(expected.Type, actual.Type))
                violations.Add(new(expected.Name, "type", $"Column '{expected.Name}' should be {expected.Type} but is {actual.Type}."));
            if (!expected.Nullable && actual.Nullable)
                violations.Add(new(expected.Name, "missing-values", $"Column '{expected.Name}' has missing values, which the contract does not allow."));
            if (expected.Categories is { Count: > 0 } allowed && actual.Categories is { } seen)
            {
                var unseen = seen.Where(c => !allowed.Contains(c)).ToList();
                if (unseen.Count > 0)
                    violations.Add(new(expected.Name, "categories",
                        $"Column '{expected.Name}' has values outside the allowed categories: {string.Join(", ", unseen.Take(10).Select(c => $"'{c}'"))}{(unseen.Count > 10 ? $" and {unseen.Count - 10} more" : "")}."));
            }
            if (expected.Min is { } min && actual.Min is { } lowest && lowest < min)
                violations.Add(new(expected.Name, "range", $"Column '{expected.Name}' has values below the minimum {min:G} (lowest: {lowest:G})."));
            if (expected.Max is { } max && actual.Max is { } highest && highest > max)
                violations.Add(new(expected.Name, "range", $"Column '{expected.Name}' has values above the maximum {max:G} (highest: {highest:G})."));
        }
        return violations;
    }

    /// <summary>Integers are acceptable floats; booleans are acceptable categoricals; otherwise types must match.</summary>
    public static bool Compatible(string expected, string actual) =>
        expected == actual
        || (expected == "float" && actual == "integer")
        || (expected == "categorical" && actual == "boolean");

    /// <summary>A contract that the given schema satisfies, for the named columns (all when none are named).</summary>
    public static List<ContractColumn> FromSchema(IReadOnlyList<SchemaColumn> schema, IReadOnlyCollection<string> columns) =>
        schema.Where(c => columns.Count == 0 || columns.Contains(c.Name))
            .Select(c => new ContractColumn(c.Name, c.Type, c.Nullable,
                c.Type is "categorical" or "boolean" ? c.Categories : null,
                c.Type is "integer" or "float" ? c.Min : null,
                c.Type is "integer" or "float" ? c.Max : null))
            .ToList();

    public static readonly IReadOnlyList<string> Types = ["integer", "float", "boolean", "categorical", "datetime", "text"];
}
