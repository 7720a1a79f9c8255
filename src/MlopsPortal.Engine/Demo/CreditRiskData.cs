// Synthetic on purpose: the demo workspace needs monthly batches with a known drift and a known bias, which a
// public dataset cannot promise; the numbers are plausible, not calibrated to any real lender.
using System.Globalization;

namespace MlopsPortal.Engine.Demo;

/// <summary>One monthly batch of the demo credit-risk data; equal options give equal rows.</summary>
public sealed record CreditRiskOptions
{
    public int Rows { get; init; } = 4000;
    public int Seed { get; init; } = 7;
    /// <summary>Written in every row (yyyy-MM).</summary>
    public string Month { get; init; } = "2026-01";
    /// <summary>The first applicant's number, so that monthly batches get disjoint keys.</summary>
    public int FirstApplicantNumber { get; init; } = 1;
    /// <summary>
    /// Multiplies every written income (later months use e.g. 0.7 to drift). Risk and label stay as at 1.0, so a model
    /// trained on an unshifted month overstates risk and the late outcomes show its performance falling.
    /// </summary>
    public double IncomeShift { get; init; } = 1.0;
    /// <summary>The share of rows in region "central", a category the training data lacks.</summary>
    public double NewRegionShare { get; init; }
}

public sealed record CreditApplicant(
    string ApplicantId, string Month, int Age, double Income, double DebtRatio, string Employment, int EmploymentYears,
    string Region, string Gender, bool Defaulted);

/// <summary>A deterministic synthetic credit-risk dataset for the portal's first-run demo workspace.</summary>
public static class CreditRiskData
{
    public const string KeyColumn = "applicant_id";
    public const string LabelColumn = "defaulted";
    public const string PositiveLabel = "yes";
    public const string SensitiveColumn = "gender";
    /// <summary>What a model may use: gender (the audited attribute) and month (the batch) are not features.</summary>
    public static readonly IReadOnlyList<string> FeatureColumns = ["age", "income", "debt_ratio", "employment", "employment_years", "region"];

    private const string Header = "applicant_id,month,age,income,debt_ratio,employment,employment_years,region,gender";
    private static readonly string[] Regions = ["north", "south", "east", "west"];
    private static readonly double MedianLogIncome = Math.Log(45_000);

    public static IReadOnlyList<CreditApplicant> Generate(CreditRiskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Rows);
        ArgumentOutOfRangeException.ThrowIfNegative(options.FirstApplicantNumber);
        // Seeded System.Random is the same sequence on every .NET version (HashCode.Combine differs per process).
        var random = new Random(unchecked(options.Seed * 1_000_003 + options.FirstApplicantNumber));
        var rows = new List<CreditApplicant>(options.Rows);
        for (var i = 0; i < options.Rows; i++)
        {
            // Every row takes the same draws in the same order, so IncomeShift changes nothing but incomes and
            // NewRegionShare nothing but the rows it moves to "central".
            var female = random.NextDouble() < 0.5;
            var age = 18 + (int)(58 * Math.Pow((random.NextDouble() + random.NextDouble() + random.NextDouble()) / 3, 1.2));
            var employment = Employment(age, random.NextDouble());
            var maxYears = Math.Min(40, age - 16);
            var u = random.NextDouble();
            var years = employment switch
            {
                "unemployed" or "student" => u < 0.8 ? 0 : Math.Min(maxYears, 1 + (int)((u - 0.8) * 15)),
                "retired" => (int)(maxYears * (0.5 + 0.5 * u)),
                _ => (int)(u * (maxYears + 1)),
            };
            var employmentIncome = employment switch
            {
                "self-employed" => 0.1, "unemployed" => -0.6, "retired" => -0.3, "student" => -0.7, _ => 0.0,
            };
            // Log-normal around a median of 45,000, highest in mid-career.
            var logIncome = MedianLogIncome + 0.5 * Normal(random) + 0.12 - 0.0004 * (age - 45) * (age - 45) + employmentIncome;
            var income = Math.Clamp(Math.Exp(logIncome), 15_000, 250_000);
            var lowIncome = MedianLogIncome - Math.Log(income);
            var debtRatio = Math.Round(Math.Clamp(0.32 + 0.16 * Normal(random) + 0.12 * lowIncome, 0, 1.5), 3);
            var central = random.NextDouble() < options.NewRegionShare;
            var region = Regions[(int)(random.NextDouble() * Regions.Length)];
            if (central) region = "central";
            // Circumstances the features do not show keep a fitted model's AUC near 0.8 rather than 1.0.
            var unobserved = 0.5 * Normal(random);
            var employmentRisk = employment switch { "unemployed" => 1.7, "student" => 0.7, "self-employed" => 0.5, _ => 0.0 };
            var regionRisk = region switch { "south" => 0.25, "central" => 0.15, "west" => -0.1, "north" => -0.15, _ => 0.0 };
            // About 16% of applicants default on their features alone, 20% with the bias below.
            var logit = -2.6 + 1.7 * lowIncome + 5.0 * (debtRatio - 0.35) + 0.05 * Math.Max(0, 30 - age) + (years < 2 ? 0.7 : 0.0)
                + employmentRisk + regionRisk + unobserved;
            var probability = 1 / (1 + Math.Exp(-logit));
            // Historical bias: past decisions marked women as defaulted more often, whatever their features
            // (+0.05 on the probability). The recorded label carries it; the fairness audit is meant to find it.
            if (female) probability = Math.Min(1, probability + 0.05);
            var defaulted = random.NextDouble() < probability;
            rows.Add(new CreditApplicant(
                "A" + (options.FirstApplicantNumber + i).ToString("D7", CultureInfo.InvariantCulture), options.Month, age,
                Math.Round(income * options.IncomeShift), debtRatio, employment, years, region, female ? "female" : "male", defaulted));
        }
        return rows;
    }

    public static void WriteCsv(TextWriter writer, IEnumerable<CreditApplicant> rows, bool includeLabel)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write(includeLabel ? $"{Header},{LabelColumn}\n" : $"{Header}\n");
        foreach (var r in rows)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{r.ApplicantId},{r.Month},{r.Age},{r.Income},{r.DebtRatio},{r.Employment},{r.EmploymentYears},{r.Region},{r.Gender}"));
            writer.Write(includeLabel ? $",{YesNo(r.Defaulted)}\n" : "\n");
        }
    }

    /// <summary>The late-arriving true labels for rows scored earlier.</summary>
    public static void WriteOutcomes(TextWriter writer, IEnumerable<CreditApplicant> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write($"{KeyColumn},{LabelColumn}\n");
        foreach (var r in rows) writer.Write($"{r.ApplicantId},{YesNo(r.Defaulted)}\n");
    }

    private static string YesNo(bool defaulted) => defaulted ? PositiveLabel : "no";

    private static string Employment(int age, double u) => age switch
    {
        < 23 => u < 0.45 ? "student" : u < 0.85 ? "employed" : u < 0.97 ? "unemployed" : "self-employed",
        >= 63 => u < 0.75 ? "retired" : u < 0.90 ? "employed" : "self-employed",
        >= 58 => u < 0.25 ? "retired" : u < 0.80 ? "employed" : u < 0.92 ? "self-employed" : "unemployed",
        _ => u < 0.76 ? "employed" : u < 0.90 ? "self-employed" : u < 0.98 ? "unemployed" : "student",
    };

    // Box–Muller; 1 − u keeps the logarithm finite because NextDouble can return 0.
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
