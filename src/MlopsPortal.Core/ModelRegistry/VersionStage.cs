namespace MlopsPortal.Core.ModelRegistry;

/// <summary>Where a version stands. Promotion (issue 6) moves versions between stages; a new version starts at None.</summary>
public enum VersionStage { None, Staging, Production, Archived }
