using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlopsPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TrainingEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Engine",
                table: "TrainingRuns",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "xgboost");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Engine",
                table: "TrainingRuns");
        }
    }
}
