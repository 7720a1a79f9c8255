using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using MlopsPortal.Core.Data;

namespace MlopsPortal.Core.AuditTrail;

/// <summary>
/// The two statements that run while the chain head is locked, sent straight on the saving context's connection and
/// transaction: EF's change tracking and command pipeline would add client time to the one section every audited
/// writer queues for. Table and column names, quoting and parameter types come from the EF model, so the statements
/// follow the same mappings as EF's own (ADR-005, docs/architecture.md).
/// </summary>
internal static class AuditChainSql
{
    /// <summary>Rows per INSERT: 9 parameters each stays far below SQL Server's 2,100.</summary>
    private const int RowsPerInsert = 200;

    /// <summary>
    /// Reserves <paramref name="count"/> sequence numbers and reads the head back in one statement, which takes the
    /// lock: a row lock until commit on PostgreSQL and SQL Server, the write lock on SQLite. Null when the row is gone.
    /// </summary>
    public static async Task<(long Sequence, string Hash)?> ReserveAsync(PortalDbContext db, int count, CancellationToken ct)
    {
        var head = Table<AuditChainHead>(db);
        var (id, sequence, hash) = (head.Column(nameof(AuditChainHead.Id)), head.Column(nameof(AuditChainHead.Sequence)), head.Column(nameof(AuditChainHead.Hash)));
        await using var command = Command(db);
        command.CommandText = db.Database.IsSqlServer()
            ? $"UPDATE {head.Name} SET {sequence} = {sequence} + @n OUTPUT inserted.{sequence}, inserted.{hash} WHERE {id} = {AuditChainHead.SingletonId}"
            : $"UPDATE {head.Name} SET {sequence} = {sequence} + @n WHERE {id} = {AuditChainHead.SingletonId} RETURNING {sequence}, {hash}";
        head.Add(command, "@n", nameof(AuditChainHead.Sequence), (long)count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return (reader.GetInt64(0), reader.GetString(1).TrimEnd());
    }

    /// <summary>Inserts the events and moves the head's hash to the last one, in one round trip.</summary>
    public static async Task WriteAsync(PortalDbContext db, IReadOnlyList<AuditEvent> events, string headHash, CancellationToken ct)
    {
        var head = Table<AuditChainHead>(db);
        var table = Table<AuditEvent>(db);
        string[] columns =
        [
            nameof(AuditEvent.Sequence), nameof(AuditEvent.OccurredAt), nameof(AuditEvent.Actor), nameof(AuditEvent.Action),
            nameof(AuditEvent.EntityType), nameof(AuditEvent.EntityId), nameof(AuditEvent.Payload), nameof(AuditEvent.PreviousHash), nameof(AuditEvent.Hash),
        ];
        await using var command = Command(db);
        var sql = new StringBuilder();
        sql.Append($"UPDATE {head.Name} SET {head.Column(nameof(AuditChainHead.Hash))} = @h WHERE {head.Column(nameof(AuditChainHead.Id))} = {AuditChainHead.SingletonId};");
        head.Add(command, "@h", nameof(AuditChainHead.Hash), headHash);
        for (var i = 0; i < events.Count; i++)
        {
            if (i % RowsPerInsert == 0)
                sql.Append($"\nINSERT INTO {table.Name} ({string.Join(", ", columns.Select(table.Column))}) VALUES ");
            else
                sql.Append(", ");
            var e = events[i];
            object[] values = [e.Sequence, e.OccurredAt, e.Actor, e.Action, e.EntityType, e.EntityId, e.Payload, e.PreviousHash, e.Hash];
            sql.Append('(');
            for (var c = 0; c < columns.Length; c++)
            {
                var name = $"@e{i}_{c}";
                sql.Append(c == 0 ? name : ", " + name);
                table.Add(command, name, columns[c], values[c]);
            }
            sql.Append(')');
            if (i % RowsPerInsert == RowsPerInsert - 1 || i == events.Count - 1)
                sql.Append(';');
        }
        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(PortalDbContext db)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandTimeout = db.Database.GetCommandTimeout() ?? 30;
        return command;
    }

    private static MappedTable Table<T>(PortalDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T))!;
        var sql = db.GetService<ISqlGenerationHelper>();
        return new MappedTable(entity, StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()), sql);
    }

    private sealed class MappedTable(IEntityType entity, StoreObjectIdentifier table, ISqlGenerationHelper sql)
    {
        public string Name { get; } = sql.DelimitIdentifier(table.Name, table.Schema);

        public string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);

        /// <summary>A parameter typed and converted as EF would send the property (SQLite's date text, PostgreSQL's timestamptz).</summary>
        public void Add(DbCommand command, string name, string property, object value) =>
            command.Parameters.Add(entity.FindProperty(property)!.GetRelationalTypeMapping().CreateParameter(command, name, value, nullable: false));
    }
}
