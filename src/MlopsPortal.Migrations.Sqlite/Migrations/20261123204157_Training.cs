using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlopsPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Training : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ModelVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    PackageSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PackageSize = table.Column<long>(type: "INTEGER", nullable: false),
                    Task = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Features = table.Column<string>(type: "TEXT", nullable: false),
                    Engine = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EngineVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Seed = table.Column<int>(type: "INTEGER", nullable: true),
                    Hyperparameters = table.Column<string>(type: "TEXT", nullable: false),
                    TrainingDataSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TrainingDatasetVersionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TrainingRunId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ExternallyTrained = table.Column<bool>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CodeVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ValidationMetrics = table.Column<string>(type: "TEXT", nullable: true),
                    TrainedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ModelVersions_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "TrainingRounds",
                columns: table => new
                {
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Train = table.Column<double>(type: "REAL", nullable: false),
                    Validation = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingRounds", x => new { x.RunId, x.Round });
                });

            migrationBuilder.CreateTable(
                name: "TrainingRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ModelId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DatasetVersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DataSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Parameters = table.Column<string>(type: "TEXT", nullable: false),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false),
                    CodeVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    NodeId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EngineVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TrainRows = table.Column<int>(type: "INTEGER", nullable: true),
                    ValidationRows = table.Column<int>(type: "INTEGER", nullable: true),
                    PrepareSeconds = table.Column<double>(type: "REAL", nullable: true),
                    BoostSeconds = table.Column<double>(type: "REAL", nullable: true),
                    ModelVersionId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ModelEvaluations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ModelVersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DatasetVersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: true),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: false),
                    Criteria = table.Column<string>(type: "TEXT", nullable: false),
                    CriteriaPassed = table.Column<bool>(type: "INTEGER", nullable: true),
                    ChampionVersionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ChampionResult = table.Column<string>(type: "TEXT", nullable: true),
                    ChampionCriteria = table.Column<string>(type: "TEXT", nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelEvaluations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ModelEvaluations_ModelVersions_ModelVersionId",
                        column: x => x.ModelVersionId,
                        principalTable: "ModelVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ModelEvaluations_ModelVersionId_CreatedAt",
                table: "ModelEvaluations",
                columns: new[] { "ModelVersionId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ModelVersions_ModelId_Number",
                table: "ModelVersions",
                columns: new[] { "ModelId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ModelVersions_ModelId_PackageSha256",
                table: "ModelVersions",
                columns: new[] { "ModelId", "PackageSha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrainingRuns_ModelId_StartedAt",
                table: "TrainingRuns",
                columns: new[] { "ModelId", "StartedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ModelEvaluations");

            migrationBuilder.DropTable(
                name: "TrainingRounds");

            migrationBuilder.DropTable(
                name: "TrainingRuns");

            migrationBuilder.DropTable(
                name: "ModelVersions");
        }
    }
}
