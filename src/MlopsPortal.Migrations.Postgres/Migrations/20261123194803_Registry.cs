using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlopsPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Registry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AcceptanceCriteria",
                table: "Models",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "DataContract",
                table: "Models",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<double>(
                name: "DecisionThreshold",
                table: "Models",
                type: "double precision",
                nullable: false,
                defaultValue: 0.5);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "Models",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "DriftPolicy",
                table: "Models",
                type: "text",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "FeatureColumns",
                table: "Models",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "KeyColumns",
                table: "Models",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "KnownLimitations",
                table: "Models",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LabelColumn",
                table: "Models",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Owners",
                table: "Models",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "PositiveLabel",
                table: "Models",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PrimaryMetric",
                table: "Models",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "auc");

            migrationBuilder.AddColumn<int>(
                name: "RiskTier",
                table: "Models",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "SensitiveAttributes",
                table: "Models",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Task",
                table: "Models",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "BinaryClassification");

            migrationBuilder.AddColumn<string>(
                name: "Team",
                table: "Models",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "UpdatedAt",
                table: "Models",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "UpdatedBy",
                table: "Models",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UseCase",
                table: "Models",
                type: "character varying(500)",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "Datasets",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "LatestVersion",
                table: "Datasets",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "SensitiveColumns",
                table: "Datasets",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<DateTime>(
                name: "UpdatedAt",
                table: "Datasets",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "UpdatedBy",
                table: "Datasets",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "VersionCount",
                table: "Datasets",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_Models_DisplayName",
                table: "Models",
                column: "DisplayName");

            migrationBuilder.CreateIndex(
                name: "IX_Models_UpdatedAt",
                table: "Models",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Datasets_UpdatedAt",
                table: "Datasets",
                column: "UpdatedAt");

            // Rows written before this migration: fill what the new columns summarise.
            migrationBuilder.Sql("UPDATE \"Models\" SET \"UpdatedAt\" = \"CreatedAt\", \"UpdatedBy\" = \"CreatedBy\"");
            migrationBuilder.Sql("UPDATE \"Datasets\" SET \"UpdatedAt\" = \"CreatedAt\", \"UpdatedBy\" = \"CreatedBy\", \"LatestVersion\" = (SELECT MAX(v.\"Version\") FROM \"DatasetVersions\" v WHERE v.\"DatasetId\" = \"Datasets\".\"Id\"), \"VersionCount\" = (SELECT COUNT(*) FROM \"DatasetVersions\" v WHERE v.\"DatasetId\" = \"Datasets\".\"Id\")");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Models_DisplayName",
                table: "Models");

            migrationBuilder.DropIndex(
                name: "IX_Models_UpdatedAt",
                table: "Models");

            migrationBuilder.DropIndex(
                name: "IX_Datasets_UpdatedAt",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "AcceptanceCriteria",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "DataContract",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "DecisionThreshold",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "DriftPolicy",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "FeatureColumns",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "KeyColumns",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "KnownLimitations",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "LabelColumn",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "Owners",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "PositiveLabel",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "PrimaryMetric",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "RiskTier",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "SensitiveAttributes",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "Task",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "Team",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "UpdatedBy",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "UseCase",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "LatestVersion",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "SensitiveColumns",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "UpdatedBy",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "VersionCount",
                table: "Datasets");
        }
    }
}
