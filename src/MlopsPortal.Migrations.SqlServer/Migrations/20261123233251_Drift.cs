using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlopsPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Drift : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DriftAlerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Cause = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Severity = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Summary = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    FirstReportId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    LastReportId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Reports = table.Column<int>(type: "int", nullable: false),
                    DataArrivedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    RaisedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    AssignedTo = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    AcknowledgedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    ClosedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    Resolution = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    RetrainingRunId = table.Column<Guid>(type: "uniqueidentifier", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DriftAlerts_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "DriftReports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ReferenceDatasetVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    CurrentDatasetVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Report = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    DriftedShare = table.Column<double>(type: "float", nullable: true),
                    DatasetDrift = table.Column<bool>(type: "bit", nullable: true),
                    DriftedColumns = table.Column<int>(type: "int", nullable: false),
                    JudgedColumns = table.Column<int>(type: "int", nullable: false),
                    DataArrivedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    RequestedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftReports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DriftReports_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "DriftAlertEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    AlertId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Action = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    Text = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    At = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftAlertEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DriftAlertEvents_DriftAlerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "DriftAlerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DriftAlertEvents_AlertId",
                table: "DriftAlertEvents",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_DriftAlerts_ModelId_Cause_Status",
                table: "DriftAlerts",
                columns: new[] { "ModelId", "Cause", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_DriftAlerts_Status_RaisedAt",
                table: "DriftAlerts",
                columns: new[] { "Status", "RaisedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DriftReports_ModelId_CreatedAt",
                table: "DriftReports",
                columns: new[] { "ModelId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DriftAlertEvents");

            migrationBuilder.DropTable(
                name: "DriftReports");

            migrationBuilder.DropTable(
                name: "DriftAlerts");
        }
    }
}
