using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace MlopsPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Approvals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "GateOverrideAt",
                table: "ApprovalRequests",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "GateOverrideBy",
                table: "ApprovalRequests",
                type: "nvarchar(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "GateOverrideReason",
                table: "ApprovalRequests",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Gates",
                table: "ApprovalRequests",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "GatesPassed",
                table: "ApprovalRequests",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Justification",
                table: "ApprovalRequests",
                type: "nvarchar(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "ModelId",
                table: "ApprovalRequests",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PolicyId",
                table: "ApprovalRequests",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReminderSentAt",
                table: "ApprovalRequests",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Required",
                table: "ApprovalRequests",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TargetStage",
                table: "ApprovalRequests",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ApprovalPolicies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    RiskTier = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    StagingSignOffs = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ProductionSignOffs = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ExpiryDays = table.Column<int>(type: "int", nullable: false),
                    Gates = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ChampionTolerance = table.Column<double>(type: "float", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApprovalPolicies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Delegations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    FromUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    FromUserName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    ToUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    ToUserName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    StartsAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Delegations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Notifications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    UserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    UserName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    Link = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ReadAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    EmailTo = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    EmailStatus = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    EmailAttempts = table.Column<int>(type: "int", nullable: false),
                    EmailNextAttemptAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    EmailSentAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    EmailError = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Notifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SignOffs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    RequestId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: false),
                    Role = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Approved = table.Column<bool>(type: "bit", nullable: false),
                    Comment = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    UserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    UserName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CountsForUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    OnBehalfOfUserName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    DelegationId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    StepUp = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    SignedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignOffs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignOffs_ApprovalRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "ApprovalRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SmtpSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false),
                    Enabled = table.Column<bool>(type: "bit", nullable: false),
                    Host = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    Port = table.Column<int>(type: "int", nullable: false),
                    Security = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    UserName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    ProtectedPassword = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    FromAddress = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    FromName = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    PortalUrl = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    UpdatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmtpSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StageChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ModelId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ModelVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    VersionNumber = table.Column<int>(type: "int", nullable: false),
                    From = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    To = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    RequestId = table.Column<string>(type: "nvarchar(36)", maxLength: 36, nullable: true),
                    Reason = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    SignedBy = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StageChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookSubscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Url = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    Events = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ProtectedSecret = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    Enabled = table.Column<bool>(type: "bit", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookSubscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Event = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Body = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastStatusCode = table.Column<int>(type: "int", nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    DeliveredAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookDeliveries_WebhookSubscriptions_SubscriptionId",
                        column: x => x.SubscriptionId,
                        principalTable: "WebhookSubscriptions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    DeliveryId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Number = table.Column<int>(type: "int", nullable: false),
                    At = table.Column<DateTime>(type: "datetime2", nullable: false),
                    StatusCode = table.Column<int>(type: "int", nullable: true),
                    Error = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    DurationMs = table.Column<double>(type: "float", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookAttempts_WebhookDeliveries_DeliveryId",
                        column: x => x.DeliveryId,
                        principalTable: "WebhookDeliveries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "ApprovalPolicies",
                columns: new[] { "Id", "ChampionTolerance", "CreatedAt", "CreatedBy", "ExpiryDays", "Gates", "Kind", "ProductionSignOffs", "RiskTier", "StagingSignOffs", "Version" },
                values: new object[,]
                {
                    { new Guid("00000000-0000-0000-0000-000000000001"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[\"acceptance-criteria\",\"fairness\",\"champion\",\"drift\",\"data-contract\"]", "promotion", "[{\"role\":\"MlEngineer\",\"count\":1}]", 0, "[{\"role\":\"MlEngineer\",\"count\":1}]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000002"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 2, "[\"data-contract\"]", "rollback", "[{\"role\":\"MlEngineer\",\"count\":1}]", 0, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000003"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "criteria-change", "[{\"role\":\"BusinessStakeholder\",\"count\":1},{\"role\":\"MlEngineer\",\"count\":1}]", 0, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000004"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[\"acceptance-criteria\",\"fairness\",\"champion\",\"drift\",\"data-contract\"]", "promotion", "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"BusinessStakeholder\",\"count\":1}]", 1, "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"BusinessStakeholder\",\"count\":1}]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000005"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 2, "[\"data-contract\"]", "rollback", "[{\"role\":\"MlEngineer\",\"count\":1}]", 1, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000006"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "criteria-change", "[{\"role\":\"BusinessStakeholder\",\"count\":1},{\"role\":\"MlEngineer\",\"count\":1}]", 1, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000007"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[\"acceptance-criteria\",\"fairness\",\"champion\",\"drift\",\"data-contract\"]", "promotion", "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"BusinessStakeholder\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":1}]", 2, "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"BusinessStakeholder\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":1}]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000008"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 2, "[\"data-contract\"]", "rollback", "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":1}]", 2, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000009"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "criteria-change", "[{\"role\":\"BusinessStakeholder\",\"count\":1},{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":1}]", 2, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000010"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[\"acceptance-criteria\",\"fairness\",\"champion\",\"drift\",\"data-contract\"]", "promotion", "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"BusinessStakeholder\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":2}]", 3, "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"BusinessStakeholder\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":2}]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000011"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 2, "[\"data-contract\"]", "rollback", "[{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":1}]", 3, "[]", 1 },
                    { new Guid("00000000-0000-0000-0000-000000000012"), 0.01, new DateTime(2026, 11, 23, 0, 0, 0, 0, DateTimeKind.Utc), "default", 14, "[]", "criteria-change", "[{\"role\":\"BusinessStakeholder\",\"count\":1},{\"role\":\"MlEngineer\",\"count\":1},{\"role\":\"ComplianceOfficer\",\"count\":1}]", 3, "[]", 1 }
                });

            migrationBuilder.CreateIndex(
                name: "IX_ModelVersions_OneProduction",
                table: "ModelVersions",
                column: "ModelId",
                unique: true,
                filter: "[Stage] = 'Production'");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalRequests_ModelId_RequestedAt",
                table: "ApprovalRequests",
                columns: new[] { "ModelId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalRequests_PolicyId",
                table: "ApprovalRequests",
                column: "PolicyId");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_Kind_RiskTier_Version",
                table: "ApprovalPolicies",
                columns: new[] { "Kind", "RiskTier", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Delegations_FromUserId_EndsAt",
                table: "Delegations",
                columns: new[] { "FromUserId", "EndsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Delegations_ToUserId_EndsAt",
                table: "Delegations",
                columns: new[] { "ToUserId", "EndsAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_EmailStatus_EmailNextAttemptAt",
                table: "Notifications",
                columns: new[] { "EmailStatus", "EmailNextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId_ReadAt_CreatedAt",
                table: "Notifications",
                columns: new[] { "UserId", "ReadAt", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SignOffs_RequestId_CountsForUserId",
                table: "SignOffs",
                columns: new[] { "RequestId", "CountsForUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignOffs_RequestId_UserId",
                table: "SignOffs",
                columns: new[] { "RequestId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_StageChanges_ModelId_ChangedAt",
                table: "StageChanges",
                columns: new[] { "ModelId", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_StageChanges_ModelVersionId",
                table: "StageChanges",
                column: "ModelVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookAttempts_DeliveryId",
                table: "WebhookAttempts",
                column: "DeliveryId");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_Status_NextAttemptAt",
                table: "WebhookDeliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_SubscriptionId_CreatedAt",
                table: "WebhookDeliveries",
                columns: new[] { "SubscriptionId", "CreatedAt" });

            migrationBuilder.AddForeignKey(
                name: "FK_ApprovalRequests_ApprovalPolicies_PolicyId",
                table: "ApprovalRequests",
                column: "PolicyId",
                principalTable: "ApprovalPolicies",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ApprovalRequests_ApprovalPolicies_PolicyId",
                table: "ApprovalRequests");

            migrationBuilder.DropTable(
                name: "ApprovalPolicies");

            migrationBuilder.DropTable(
                name: "Delegations");

            migrationBuilder.DropTable(
                name: "Notifications");

            migrationBuilder.DropTable(
                name: "SignOffs");

            migrationBuilder.DropTable(
                name: "SmtpSettings");

            migrationBuilder.DropTable(
                name: "StageChanges");

            migrationBuilder.DropTable(
                name: "WebhookAttempts");

            migrationBuilder.DropTable(
                name: "WebhookDeliveries");

            migrationBuilder.DropTable(
                name: "WebhookSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_ModelVersions_OneProduction",
                table: "ModelVersions");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalRequests_ModelId_RequestedAt",
                table: "ApprovalRequests");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalRequests_PolicyId",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "GateOverrideAt",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "GateOverrideBy",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "GateOverrideReason",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "Gates",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "GatesPassed",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "Justification",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "ModelId",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "PolicyId",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "ReminderSentAt",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "Required",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "TargetStage",
                table: "ApprovalRequests");
        }
    }
}
