namespace MlopsPortal.Core.Datasets;

/// <summary>Bound from the "Datasets" section.</summary>
public sealed class DatasetOptions
{
    public const string Section = "Datasets";
    /// <summary>The largest upload accepted (default 2 GiB).</summary>
    public long MaxUploadBytes { get; set; } = 2L << 30;
    /// <summary>Rows whose field count differs from the header's that are accepted (padded or cut, with warnings).</summary>
    public int RaggedRowTolerance { get; set; }
    /// <summary>Cell values read as missing. Null means the defaults; a configured list replaces them
    /// (lists with initial items would be appended to by the configuration binder, never replaced).</summary>
    public List<string>? MissingTokens { get; set; }
    public int ExactQuantileRows { get; set; } = 250_000;
    /// <summary>Server folders whose files may be registered by path (an Administrator sets them; empty: none).</summary>
    public List<string> AllowedFolders { get; set; } = [];
    /// <summary>Column names marked sensitive when a dataset is first added (case-insensitive; change them on the
    /// dataset page). Null means the defaults; a configured list replaces them.</summary>
    public List<string>? DefaultSensitiveColumns { get; set; }

    public IReadOnlyList<string> EffectiveMissingTokens => MissingTokens ?? ["", "?", "NA", "N/A", "null", "NaN"];

    public IReadOnlyList<string> EffectiveSensitiveColumns => DefaultSensitiveColumns ??
        ["race", "ethnicity", "sex", "gender", "religion", "marital_status", "marital-status", "nationality", "native-country", "disability", "age", "date_of_birth", "dob"];
}
