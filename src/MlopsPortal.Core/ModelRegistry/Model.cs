using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MlopsPortal.Core.ModelRegistry;

/// <summary>
/// A model in the inventory. The scheduler needs its identity (retraining schedules belong to a
/// model); the registry issue adds the rest of the definition (owners, risk tier, criteria, …).
/// </summary>
public sealed class Model
{
    public Guid Id { get; set; }
    /// <summary>Unique, URL-safe name: lowercase letters, digits and dashes.</summary>
    public string Slug { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public sealed class ModelConfiguration : IEntityTypeConfiguration<Model>
{
    public void Configure(EntityTypeBuilder<Model> b)
    {
        b.ToTable("Models");
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Slug).HasMaxLength(100).IsRequired();
        b.Property(m => m.DisplayName).HasMaxLength(200).IsRequired();
        b.Property(m => m.CreatedBy).HasMaxLength(256).IsRequired();
        b.HasIndex(m => m.Slug).IsUnique();
    }
}
