using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlopsPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Fairness : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FairnessAudits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    ModelVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    DatasetVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    LabelColumn = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    PredictionColumn = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Threshold = table.Column<double>(type: "float", nullable: true),
                    Sensitive = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Intersectional = table.Column<bool>(type: "bit", nullable: false),
                    Bootstrap = table.Column<int>(type: "int", nullable: false),
                    Seed = table.Column<int>(type: "int", nullable: false),
                    Report = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Verdict = table.Column<string>(type: "nvarchar(8)", maxLength: 8, nullable: true),
                    Policy = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    RequestedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FairnessAudits", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FairnessPolicies",
                columns: table => new
                {
                    RiskTier = table.Column<int>(type: "int", nullable: false),
                    DisparateImpactFail = table.Column<double>(type: "float", nullable: false),
                    DisparateImpactWarn = table.Column<double>(type: "float", nullable: false),
                    DifferenceFail = table.Column<double>(type: "float", nullable: false),
                    DifferenceWarn = table.Column<double>(type: "float", nullable: false),
                    MinGroupSize = table.Column<int>(type: "int", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FairnessPolicies", x => x.RiskTier);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FairnessAudits_ModelId_CreatedAt",
                table: "FairnessAudits",
                columns: new[] { "ModelId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FairnessAudits_ModelVersionId_CreatedAt",
                table: "FairnessAudits",
                columns: new[] { "ModelVersionId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FairnessAudits");

            migrationBuilder.DropTable(
                name: "FairnessPolicies");
        }
    }
}
