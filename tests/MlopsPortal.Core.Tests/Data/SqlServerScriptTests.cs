using Microsoft.SqlServer.TransactSql.ScriptDom;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Data;

/// <summary>
/// No SQL Server runs here, so the scripts shipped for it are parsed by Microsoft's own T-SQL parser (SQL Server 2022's
/// grammar, <see cref="TSql160Parser"/>): a script a DBA would apply must at least be valid T-SQL, batch by batch.
/// </summary>
public sealed class SqlServerScriptTests
{
    private static (TSqlScript Script, IList<ParseError> Errors) Parse(string text)
    {
        using var reader = new StringReader(text);
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        return ((TSqlScript)fragment, errors);
    }

    [Theory]
    [InlineData("sqlserver/portal.sql")]
    [InlineData("sqlserver/quartz.sql")]
    public void ShouldParseWithoutErrors_WhenMicrosoftsParserReadsAShippedScript(string file)
    {
        var (script, errors) = Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "database", file)));
        errors.ShouldBeEmpty(string.Join("\n", errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")));
        script.Batches.Count.ShouldBeGreaterThan(1);
        // The tables are created inside the scripts' "only if missing" guards: count them wherever they are.
        var tables = new CreateTables();
        script.Accept(tables);
        tables.Count.ShouldBeGreaterThan(5);
    }

    private sealed class CreateTables : TSqlFragmentVisitor
    {
        public int Count { get; private set; }

        public override void Visit(CreateTableStatement node) => Count++;
    }

    /// <summary>The check can fail: a copy with one closing parenthesis removed is refused, naming where.</summary>
    [Fact]
    public void ShouldNameTheLine_WhenACopyOfTheScriptIsBroken()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "database", "sqlserver", "portal.sql"));
        var at = text.IndexOf("CREATE TABLE", StringComparison.Ordinal);
        var close = text.IndexOf(");", at, StringComparison.Ordinal);
        var broken = text.Remove(close, 1);
        var (_, errors) = Parse(broken);
        errors.ShouldNotBeEmpty();
        errors[0].Line.ShouldBeInRange(broken[..close].Count(c => c == '\n') + 1, broken[..close].Count(c => c == '\n') + 2);
    }
}
