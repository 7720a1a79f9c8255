using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlopsPortal.Migrations.Sqlite.Migrations
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
                type: "TEXT",
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
