using Npgsql;

namespace MlopsPortal.Testing;

/// <summary>
/// The PostgreSQL cluster that scripts/test.sh starts on 127.0.0.1 for the whole run. Each test
/// class gets its own fresh database in it.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "MLOPS_TEST_POSTGRES";

    /// <summary>Whether a server is configured: scripts/test.sh always sets one; a bare <c>dotnet test</c> does not.</summary>
    public static bool Configured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };

    public static string NotConfigured =>
        $"No PostgreSQL server: {Variable} is not set. scripts/test.sh starts one on 127.0.0.1 and sets it (it never skips).";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{Variable} is not set: run the tests with scripts/test.sh, which starts a PostgreSQL cluster on 127.0.0.1.");

    public static async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 30 }.ConnectionString;
    }
}
