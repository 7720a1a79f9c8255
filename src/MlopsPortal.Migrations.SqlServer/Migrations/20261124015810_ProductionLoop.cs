using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace MlopsPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class ProductionLoop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConfidenceBand",
                table: "Models",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RollbackRules",
                table: "Models",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "RollbackRulesRequestId",
                table: "Models",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AutomaticRollbacks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    FromVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ToVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    RuleRequestId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Rule = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    Evidence = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    SnapshotId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    IncidentAlertId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    BreachAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AutomaticRollbacks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AutomaticRollbacks_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "LivePerformanceSnapshots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    VersionNumber = table.Column<int>(type: "int", nullable: false),
                    ScoredRows = table.Column<long>(type: "bigint", nullable: false),
                    LabelledRows = table.Column<long>(type: "bigint", nullable: false),
                    BandLow = table.Column<double>(type: "float", nullable: true),
                    BandHigh = table.Column<double>(type: "float", nullable: true),
                    BandShare = table.Column<double>(type: "float", nullable: true),
                    Metrics = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    TrainingMetrics = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Batches = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Fairness = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    FairnessVerdict = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: true),
                    Breaches = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    OutcomesArrivedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    JobRunId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LivePerformanceSnapshots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LivePerformanceSnapshots_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OutcomeUploads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DatasetVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Rows = table.Column<long>(type: "bigint", nullable: false),
                    Matched = table.Column<long>(type: "bigint", nullable: false),
                    Unknown = table.Column<long>(type: "bigint", nullable: false),
                    Duplicates = table.Column<long>(type: "bigint", nullable: false),
                    UnknownSample = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    DuplicateSample = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    LabelledJobs = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    UploadedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutcomeUploads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutcomeUploads_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Reproductions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    RecordedSha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    NewSha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Identical = table.Column<bool>(type: "bit", nullable: false),
                    RequestedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reproductions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ShadowScorings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ChampionVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ChallengerVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    InputDatasetVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ChampionOutputId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    ShadowSha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Rows = table.Column<long>(type: "bigint", nullable: false),
                    AgreementRate = table.Column<double>(type: "float", nullable: true),
                    MeanAbsDifference = table.Column<double>(type: "float", nullable: false),
                    ChampionHistogram = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ChallengerHistogram = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShadowScorings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShadowScorings_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "ApprovalPolicies",
                columns: new[] { "Id", "ChampionTolerance", "CreatedAt", "CreatedBy", "ExpiryDays", "Gates", "Kind", "ProductionSignOffs", "RiskTier", "StagingSignOffs", "Version" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-0000-0000-000000000101"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "confidence-band", "[{\"role\":\"MlEngineer\",\"count\":1}]", 0, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000102"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "rollback-rules", "[{\"role\":\"ComplianceOfficer\",\"count\":1}]", 0, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000103"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "confidence-band", "[{\"role\":\"MlEngineer\",\"count\":1}]", 1, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000104"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "rollback-rules", "[{\"role\":\"ComplianceOfficer\",\"count\":1}]", 1, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000105"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "confidence-band", "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":1}]", 2, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000106"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "rollback-rules", "[{\"role\":\"ComplianceOfficer\",\"count\":1},{\"role\":\"MlEngineer\",\"count\":1}]", 2, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000107"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "confidence-band", "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":1}]", 3, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000108"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "rollback-rules", "[{\"role\":\"ComplianceOfficer\",\"count\":1},{\"role\":\"MlEngineer\",\"count\":1}]", 3, "[]", 1 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_AutomaticRollbacks_FromVersionId",
                table: "AutomaticRollbacks",
                column: "FromVersionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AutomaticRollbacks_ModelId_CompletedAt",
                table: "AutomaticRollbacks",
                columns: new[] { "ModelId", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_LivePerformanceSnapshots_ModelId_CreatedAt",
                table: "LivePerformanceSnapshots",
                columns: new[] { "ModelId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_OutcomeUploads_ModelId_UploadedAt",
                table: "OutcomeUploads",
                columns: new[] { "ModelId", "UploadedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Reproductions_ModelVersionId_CreatedAt",
                table: "Reproductions",
                columns: new[] { "ModelVersionId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ShadowScorings_ChallengerVersionId_CreatedAt",
                table: "ShadowScorings",
                columns: new[] { "ChallengerVersionId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ShadowScorings_ModelId",
                table: "ShadowScorings",
                column: "ModelId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AutomaticRollbacks");

            migrationBuilder.DropTable(
                name: "LivePerformanceSnapshots");

            migrationBuilder.DropTable(
                name: "OutcomeUploads");

            migrationBuilder.DropTable(
                name: "Reproductions");

            migrationBuilder.DropTable(
                name: "ShadowScorings");

            migrationBuilder.DeleteData(
                table: "ApprovalPolicies",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000101"));

            migrationBuilder.DeleteData(
                table: "ApprovalPolicies",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000102"));

            migrationBuilder.DeleteData(
                table: "ApprovalPolicies",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000103"));

            migrationBuilder.DeleteData(
                table: "ApprovalPolicies",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000104"));

            migrationBuilder.DeleteData(
                table: "ApprovalPolicies",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000105"));

            migrationBuilder.DeleteData(
                table: "ApprovalPolicies",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000106"));

            migrationBuilder.DeleteData(
                table: "ApprovalPolicies",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000107"));

            migrationBuilder.DeleteData(
                table: "ApprovalPolicies",
                keyColumn: "Id",
                keyValue: new Guid("00000000-0000-0000-0000-000000000108"));

            migrationBuilder.DropColumn(
                name: "ConfidenceBand",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "RollbackRules",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "RollbackRulesRequestId",
                table: "Models");
        }
    }
}
