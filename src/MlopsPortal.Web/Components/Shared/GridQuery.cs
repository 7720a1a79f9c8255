using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MudBlazor;

namespace MlopsPortal.Web.Components.Shared;

/// <summary>
/// The one adapter from a MudDataGrid's <see cref="GridState{T}"/> to a service's <see cref="IQueryable{T}"/>: the grid's
/// column filters and sort become SQL, then a COUNT and a Skip/Take, on a DbContext that lives for this load only.
/// Written here because MudBlazor's own filter functions are compiled delegates (they filter in memory, not in SQL).
/// </summary>
public static class GridQuery
{
    public static Task<GridData<T>> PageAsync<T, TKey>(
        IDbContextFactory<PortalDbContext> factory, Func<PortalDbContext, IQueryable<T>> source, GridState<T> state,
        Expression<Func<T, TKey>> defaultOrder, bool descending = false, CancellationToken ct = default) =>
        PageAsync(factory, source, state.Page, state.PageSize, state.SortDefinitions,
            state.FilterDefinitions.Select(f => new ColumnFilter(f.Column?.PropertyName, f.Operator, f.Value)), defaultOrder, descending, ct);

    /// <summary>The same, from the parts of a grid state (what the registry bench times without a grid).</summary>
    public static async Task<GridData<T>> PageAsync<T, TKey>(
        IDbContextFactory<PortalDbContext> factory, Func<PortalDbContext, IQueryable<T>> source, int page, int pageSize,
        IEnumerable<SortDefinition<T>> sorts, IEnumerable<ColumnFilter> filters, Expression<Func<T, TKey>> defaultOrder,
        bool descending = false, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = Filter(source(db), filters);
        query = Sort(query, sorts) ?? (descending ? query.OrderByDescending(defaultOrder) : query.OrderBy(defaultOrder));
        var count = await query.CountAsync(ct);
        var items = await query.Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        return new GridData<T> { Items = items, TotalItems = count };
    }

    /// <summary>One column filter: the column's property, MudBlazor's operator (<see cref="FilterOperator"/>) and the value.</summary>
    public readonly record struct ColumnFilter(string? Property, string? Operator, object? Value);

    /// <summary>The grid's sort as OrderBy/ThenBy on the named properties; null when the grid is unsorted.</summary>
    public static IOrderedQueryable<T>? Sort<T>(IQueryable<T> query, IEnumerable<SortDefinition<T>> sorts)
    {
        IOrderedQueryable<T>? ordered = null;
        foreach (var sort in sorts.OrderBy(s => s.Index))
        {
            if (Property<T>(sort.SortBy) is not { } property) continue;
            var parameter = Expression.Parameter(typeof(T), "x");
            var lambda = Expression.Lambda(Expression.Property(parameter, property), parameter);
            var method = (ordered is null ? sort.Descending ? "OrderByDescending" : "OrderBy" : sort.Descending ? "ThenByDescending" : "ThenBy");
            ordered = (IOrderedQueryable<T>)query.Provider.CreateQuery<T>(Expression.Call(typeof(Queryable), method,
                [typeof(T), property.PropertyType], (ordered ?? query).Expression, Expression.Quote(lambda)));
        }
        return ordered;
    }

    /// <summary>The grid's column filters as a translatable Where (text case-insensitive).</summary>
    public static IQueryable<T> Filter<T>(IQueryable<T> query, IEnumerable<ColumnFilter> filters)
    {
        foreach (var filter in filters)
            if (Predicate<T>(filter) is { } predicate)
                query = query.Where(predicate);
        return query;
    }

    private static PropertyInfo? Property<T>(string? name) =>
        string.IsNullOrEmpty(name) ? null : typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);

    private static Expression<Func<T, bool>>? Predicate<T>(ColumnFilter filter)
    {
        if (Property<T>(filter.Property) is not { } property || filter.Operator is null) return null;
        var x = Expression.Parameter(typeof(T), "x");
        Expression member = Expression.Property(x, property);
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        Expression? body = filter.Operator switch
        {
            FilterOperator.String.Empty or FilterOperator.Number.Empty or FilterOperator.Enum.Empty or FilterOperator.DateTime.Empty
                => type == typeof(string) ? Expression.OrElse(Expression.Equal(member, Expression.Constant(null, typeof(string))), Expression.Equal(member, Expression.Constant("")))
                   : property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null ? Expression.Constant(false)
                   : Expression.Equal(member, Expression.Constant(null, property.PropertyType)),
            FilterOperator.String.NotEmpty or FilterOperator.Number.NotEmpty or FilterOperator.Enum.NotEmpty or FilterOperator.DateTime.NotEmpty
                => type == typeof(string) ? Expression.AndAlso(Expression.NotEqual(member, Expression.Constant(null, typeof(string))), Expression.NotEqual(member, Expression.Constant("")))
                   : property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null ? Expression.Constant(true)
                   : Expression.NotEqual(member, Expression.Constant(null, property.PropertyType)),
            _ when filter.Value is null || filter.Value is string { Length: 0 } => null,
            _ when type == typeof(string) => Text(member, filter.Operator, filter.Value.ToString()!.ToLowerInvariant()),
            _ => Compare(member, property.PropertyType, filter.Operator, filter.Value),
        };
        return body is null ? null : Expression.Lambda<Func<T, bool>>(body, x);
    }

    private static readonly MethodInfo ToLower = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;

    private static Expression? Text(Expression member, string op, string value)
    {
        var notNull = Expression.NotEqual(member, Expression.Constant(null, typeof(string)));
        var lower = Expression.Call(member, ToLower);
        var constant = Expression.Constant(value);
        Expression? test = op switch
        {
            FilterOperator.String.Contains => Expression.Call(lower, nameof(string.Contains), null, constant),
            FilterOperator.String.NotContains => Expression.Not(Expression.Call(lower, nameof(string.Contains), null, constant)),
            FilterOperator.String.Equal => Expression.Equal(lower, constant),
            FilterOperator.String.NotEqual => Expression.NotEqual(lower, constant),
            FilterOperator.String.StartsWith => Expression.Call(lower, nameof(string.StartsWith), null, constant),
            FilterOperator.String.EndsWith => Expression.Call(lower, nameof(string.EndsWith), null, constant),
            _ => null,
        };
        return test is null ? null : Expression.AndAlso(notNull, test);
    }

    private static Expression? Compare(Expression member, Type propertyType, string op, object value)
    {
        var type = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        object typed;
        try
        {
            typed = type.IsEnum ? (value is string s ? Enum.Parse(type, s, true) : Enum.ToObject(type, value))
                : type == typeof(Guid) ? (value is Guid g ? g : Guid.Parse(value.ToString()!))
                : Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or ArgumentException or OverflowException)
        {
            return Expression.Constant(false); // a value the column cannot hold matches nothing
        }
        var constant = Expression.Constant(typed, propertyType);
        return op switch
        {
            FilterOperator.Number.Equal or FilterOperator.Enum.Is or FilterOperator.Boolean.Is or FilterOperator.DateTime.Is or FilterOperator.Guid.Equal
                => Expression.Equal(member, constant),
            FilterOperator.Number.NotEqual or FilterOperator.Enum.IsNot or FilterOperator.DateTime.IsNot or FilterOperator.Guid.NotEqual
                => Expression.NotEqual(member, constant),
            FilterOperator.Number.GreaterThan or FilterOperator.DateTime.After => Expression.GreaterThan(member, constant),
            FilterOperator.Number.GreaterThanOrEqual or FilterOperator.DateTime.OnOrAfter => Expression.GreaterThanOrEqual(member, constant),
            FilterOperator.Number.LessThan or FilterOperator.DateTime.Before => Expression.LessThan(member, constant),
            FilterOperator.Number.LessThanOrEqual or FilterOperator.DateTime.OnOrBefore => Expression.LessThanOrEqual(member, constant),
            _ => null,
        };
    }
}
