using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlopsPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Reports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ComplianceReports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ModelVersionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PeriodFrom = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PeriodTo = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Sha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Pages = table.Column<int>(type: "INTEGER", nullable: false),
                    ChainSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    ChainHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CertificateFingerprint = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    GeneratedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    GeneratedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ComplianceReports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReportSigningKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    NotBefore = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NotAfter = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ProtectedPkcs12 = table.Column<string>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportSigningKeys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ComplianceReports_GeneratedAt",
                table: "ComplianceReports",
                column: "GeneratedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ComplianceReports_ModelVersionId_GeneratedAt",
                table: "ComplianceReports",
                columns: new[] { "ModelVersionId", "GeneratedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ComplianceReports_Sha256",
                table: "ComplianceReports",
                column: "Sha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ComplianceReports");

            migrationBuilder.DropTable(
                name: "ReportSigningKeys");
        }
    }
}
