using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlopsPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ReasonTexts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReasonTexts",
                table: "Models",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<DateTime>(
                name: "ReasonTextsSignedAt",
                table: "Models",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReasonTextsSignedBy",
                table: "Models",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReasonTexts",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "ReasonTextsSignedAt",
                table: "Models");

            migrationBuilder.DropColumn(
                name: "ReasonTextsSignedBy",
                table: "Models");
        }
    }
}
