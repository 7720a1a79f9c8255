using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using Radzen;

namespace MlopsPortal.Web.Components;

/// <summary>
/// One page of a Radzen DataGrid from the database: the grid's filters and sort become SQL (Radzen's own
/// expression builders), then a COUNT and a Skip/Take, on a DbContext that lives for this load only.
/// </summary>
public static class GridQuery
{
    public static async Task<(List<T> Items, int Count)> LoadAsync<T, TKey>(
        IDbContextFactory<PortalDbContext> factory, Func<PortalDbContext, IQueryable<T>> source, LoadDataArgs args,
        System.Linq.Expressions.Expression<Func<T, TKey>> defaultOrder, bool descending = false, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = source(db);
        if (args.Filters?.Any() == true)
            query = query.Where(args.Filters, LogicalFilterOperator.And, FilterCaseSensitivity.CaseInsensitive);
        // A stable order keeps rows from moving between pages.
        query = !string.IsNullOrEmpty(args.OrderBy) ? query.OrderBy(args.OrderBy)
            : descending ? query.OrderByDescending(defaultOrder) : query.OrderBy(defaultOrder);
        var count = await query.CountAsync(ct);
        var items = await query.Skip(args.Skip ?? 0).Take(args.Top ?? 25).ToListAsync(ct);
        return (items, count);
    }
}
