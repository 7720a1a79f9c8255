using System.Globalization;

namespace MlopsPortal.Core.Exports;

/// <summary>
/// Cells of the CSV files the portal writes for people. Text that a spreadsheet would run as a formula
/// (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe; numbers stay numbers.
/// </summary>
public static class CsvCells
{
    /// <summary>A text cell: always quoted, neutralised when it looks like a formula.</summary>
    public static string Text(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>A cell of unknown kind: a plain number is written as it is (so "-3.5" stays a number), anything else as text.</summary>
    public static string Value(string value) =>
        value.Length > 0 && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? value
            : Text(value);
}
