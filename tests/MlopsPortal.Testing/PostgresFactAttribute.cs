using Xunit;

namespace MlopsPortal.Testing;

/// <summary>
/// A test that needs the PostgreSQL server scripts/test.sh starts. Without one (a bare <c>dotnet test</c>) it is skipped
/// with the reason instead of failing; the test script always sets the server, so there nothing skips.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresServer.Configured) Skip = PostgresServer.NotConfigured;
    }
}
