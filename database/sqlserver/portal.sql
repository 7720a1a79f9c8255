IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [ApprovalRequests] (
        [Id] nvarchar(36) NOT NULL,
        [Kind] nvarchar(64) NOT NULL,
        [SubjectType] nvarchar(64) NOT NULL,
        [SubjectId] nvarchar(128) NOT NULL,
        [Summary] nvarchar(500) NOT NULL,
        [Payload] nvarchar(max) NOT NULL,
        [RequestedBy] nvarchar(256) NOT NULL,
        [RequestedByUserId] nvarchar(450) NULL,
        [RequestedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [DecidedBy] nvarchar(256) NULL,
        [DecidedAt] datetime2 NULL,
        [DecisionComment] nvarchar(2000) NULL,
        CONSTRAINT [PK_ApprovalRequests] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AspNetRoles] (
        [Id] nvarchar(450) NOT NULL,
        [Name] nvarchar(256) NULL,
        [NormalizedName] nvarchar(256) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoles] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AspNetUsers] (
        [Id] nvarchar(450) NOT NULL,
        [DisplayName] nvarchar(200) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [LastSignInAt] datetime2 NULL,
        [UserName] nvarchar(256) NULL,
        [NormalizedUserName] nvarchar(256) NULL,
        [Email] nvarchar(256) NULL,
        [NormalizedEmail] nvarchar(256) NULL,
        [EmailConfirmed] bit NOT NULL,
        [PasswordHash] nvarchar(max) NULL,
        [SecurityStamp] nvarchar(max) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        [PhoneNumber] nvarchar(max) NULL,
        [PhoneNumberConfirmed] bit NOT NULL,
        [TwoFactorEnabled] bit NOT NULL,
        [LockoutEnd] datetimeoffset NULL,
        [LockoutEnabled] bit NOT NULL,
        [AccessFailedCount] int NOT NULL,
        CONSTRAINT [PK_AspNetUsers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AuditAnchors] (
        [Id] bigint NOT NULL IDENTITY,
        [Sequence] bigint NOT NULL,
        [Hash] nchar(64) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [CreatedBy] nvarchar(256) NOT NULL,
        [Purpose] nvarchar(256) NOT NULL,
        CONSTRAINT [PK_AuditAnchors] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AuditChainHead] (
        [Id] int NOT NULL,
        [Sequence] bigint NOT NULL,
        [Hash] nchar(64) NOT NULL,
        CONSTRAINT [PK_AuditChainHead] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AuditEvents] (
        [Sequence] bigint NOT NULL,
        [OccurredAt] datetime2 NOT NULL,
        [Actor] nvarchar(256) NOT NULL,
        [Action] nvarchar(128) NOT NULL,
        [EntityType] nvarchar(64) NOT NULL,
        [EntityId] nvarchar(128) NOT NULL,
        [Payload] nvarchar(max) NOT NULL,
        [PreviousHash] nchar(64) NOT NULL,
        [Hash] nchar(64) NOT NULL,
        CONSTRAINT [PK_AuditEvents] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [DataProtectionKeys] (
        [Id] int NOT NULL IDENTITY,
        [FriendlyName] nvarchar(max) NULL,
        [Xml] nvarchar(max) NULL,
        CONSTRAINT [PK_DataProtectionKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [LineageEdges] (
        [Id] bigint NOT NULL IDENTITY,
        [FromKind] nvarchar(64) NOT NULL,
        [FromId] nvarchar(128) NOT NULL,
        [ToKind] nvarchar(64) NOT NULL,
        [ToId] nvarchar(128) NOT NULL,
        [Relation] nvarchar(64) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_LineageEdges] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AspNetRoleClaims] (
        [Id] int NOT NULL IDENTITY,
        [RoleId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoleClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetRoleClaims_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [ApiTokens] (
        [Id] nvarchar(36) NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [Name] nvarchar(100) NOT NULL,
        [Prefix] nvarchar(16) NOT NULL,
        [SecretHash] nchar(64) NOT NULL,
        [ReadOnly] bit NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NOT NULL,
        [LastUsedAt] datetime2 NULL,
        [RevokedAt] datetime2 NULL,
        [RevokedBy] nvarchar(256) NULL,
        CONSTRAINT [PK_ApiTokens] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ApiTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserClaims] (
        [Id] int NOT NULL IDENTITY,
        [UserId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetUserClaims_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserLogins] (
        [LoginProvider] nvarchar(450) NOT NULL,
        [ProviderKey] nvarchar(450) NOT NULL,
        [ProviderDisplayName] nvarchar(max) NULL,
        [UserId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserLogins] PRIMARY KEY ([LoginProvider], [ProviderKey]),
        CONSTRAINT [FK_AspNetUserLogins_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserRoles] (
        [UserId] nvarchar(450) NOT NULL,
        [RoleId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserRoles] PRIMARY KEY ([UserId], [RoleId]),
        CONSTRAINT [FK_AspNetUserRoles_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_AspNetUserRoles_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserTokens] (
        [UserId] nvarchar(450) NOT NULL,
        [LoginProvider] nvarchar(450) NOT NULL,
        [Name] nvarchar(450) NOT NULL,
        [Value] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserTokens] PRIMARY KEY ([UserId], [LoginProvider], [Name]),
        CONSTRAINT [FK_AspNetUserTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'ConcurrencyStamp', N'Name', N'NormalizedName') AND [object_id] = OBJECT_ID(N'[AspNetRoles]'))
        SET IDENTITY_INSERT [AspNetRoles] ON;
    EXEC(N'INSERT INTO [AspNetRoles] ([Id], [ConcurrencyStamp], [Name], [NormalizedName])
    VALUES (N''role-administrator'', N''seed-administrator'', N''Administrator'', N''ADMINISTRATOR''),
    (N''role-auditor'', N''seed-auditor'', N''Auditor'', N''AUDITOR''),
    (N''role-businessstakeholder'', N''seed-businessstakeholder'', N''BusinessStakeholder'', N''BUSINESSSTAKEHOLDER''),
    (N''role-complianceofficer'', N''seed-complianceofficer'', N''ComplianceOfficer'', N''COMPLIANCEOFFICER''),
    (N''role-datascientist'', N''seed-datascientist'', N''DataScientist'', N''DATASCIENTIST''),
    (N''role-mlengineer'', N''seed-mlengineer'', N''MlEngineer'', N''MLENGINEER'')');
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'ConcurrencyStamp', N'Name', N'NormalizedName') AND [object_id] = OBJECT_ID(N'[AspNetRoles]'))
        SET IDENTITY_INSERT [AspNetRoles] OFF;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'Hash', N'Sequence') AND [object_id] = OBJECT_ID(N'[AuditChainHead]'))
        SET IDENTITY_INSERT [AuditChainHead] ON;
    EXEC(N'INSERT INTO [AuditChainHead] ([Id], [Hash], [Sequence])
    VALUES (1, N''0000000000000000000000000000000000000000000000000000000000000000'', CAST(0 AS bigint))');
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'Hash', N'Sequence') AND [object_id] = OBJECT_ID(N'[AuditChainHead]'))
        SET IDENTITY_INSERT [AuditChainHead] OFF;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ApiTokens_SecretHash] ON [ApiTokens] ([SecretHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_ApiTokens_UserId] ON [ApiTokens] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_ApprovalRequests_Status_Kind] ON [ApprovalRequests] ([Status], [Kind]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetRoleClaims_RoleId] ON [AspNetRoleClaims] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [RoleNameIndex] ON [AspNetRoles] ([NormalizedName]) WHERE [NormalizedName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserClaims_UserId] ON [AspNetUserClaims] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserLogins_UserId] ON [AspNetUserLogins] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserRoles_RoleId] ON [AspNetUserRoles] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [EmailIndex] ON [AspNetUsers] ([NormalizedEmail]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [UserNameIndex] ON [AspNetUsers] ([NormalizedUserName]) WHERE [NormalizedUserName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_AuditEvents_EntityType_EntityId] ON [AuditEvents] ([EntityType], [EntityId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_AuditEvents_OccurredAt] ON [AuditEvents] ([OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_LineageEdges_FromKind_FromId] ON [LineageEdges] ([FromKind], [FromId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_LineageEdges_FromKind_FromId_ToKind_ToId_Relation] ON [LineageEdges] ([FromKind], [FromId], [ToKind], [ToId], [Relation]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    CREATE INDEX [IX_LineageEdges_ToKind_ToId] ON [LineageEdges] ([ToKind], [ToId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123141735_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123141735_Initial', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE TABLE [JobRuns] (
        [Id] uniqueidentifier NOT NULL,
        [Kind] nvarchar(64) NOT NULL,
        [Status] int NOT NULL,
        [JobKey] nvarchar(256) NOT NULL,
        [ScheduleId] uniqueidentifier NULL,
        [TriggeredBy] nvarchar(256) NOT NULL,
        [Reason] nvarchar(1000) NULL,
        [Payload] nvarchar(max) NOT NULL,
        [PayloadVersion] int NOT NULL,
        [RequiresGpu] bit NOT NULL,
        [QueuedAt] datetime2 NOT NULL,
        [DueAt] datetime2 NULL,
        [StartedAt] datetime2 NULL,
        [FinishedAt] datetime2 NULL,
        [LastHeartbeatAt] datetime2 NULL,
        [NodeId] nvarchar(200) NULL,
        [Attempts] int NOT NULL,
        [RecoveredAfterSeconds] float NULL,
        [Late] bit NOT NULL,
        [Progress] float NULL,
        [ProgressText] nvarchar(500) NULL,
        [CancelRequested] bit NOT NULL,
        [CancelRequestedBy] nvarchar(256) NULL,
        [Summary] nvarchar(2000) NULL,
        [Error] nvarchar(4000) NULL,
        [OutputEntityType] nvarchar(64) NULL,
        [OutputEntityId] nvarchar(128) NULL,
        CONSTRAINT [PK_JobRuns] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE TABLE [JobSchedules] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Kind] nvarchar(64) NOT NULL,
        [SubjectType] nvarchar(64) NULL,
        [SubjectId] nvarchar(128) NULL,
        [CronExpression] nvarchar(200) NOT NULL,
        [TimeZoneId] nvarchar(100) NOT NULL,
        [Paused] bit NOT NULL,
        [Payload] nvarchar(max) NOT NULL,
        [PayloadVersion] int NOT NULL,
        [CreatedBy] nvarchar(256) NOT NULL,
        [CreatedByUserId] nvarchar(450) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UpdatedBy] nvarchar(256) NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        [IsSystem] bit NOT NULL,
        CONSTRAINT [PK_JobSchedules] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE TABLE [Models] (
        [Id] uniqueidentifier NOT NULL,
        [Slug] nvarchar(100) NOT NULL,
        [DisplayName] nvarchar(200) NOT NULL,
        [CreatedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_Models] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE TABLE [WorkerNodes] (
        [Id] nvarchar(200) NOT NULL,
        [Host] nvarchar(200) NOT NULL,
        [ProcessId] int NOT NULL,
        [Mode] nvarchar(16) NOT NULL,
        [Capabilities] nvarchar(64) NOT NULL,
        [GpuName] nvarchar(200) NULL,
        [MaxConcurrency] int NOT NULL,
        [Version] nvarchar(64) NOT NULL,
        [StartedAt] datetime2 NOT NULL,
        [LastCheckInAt] datetime2 NOT NULL,
        [StoppedAt] datetime2 NULL,
        CONSTRAINT [PK_WorkerNodes] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE TABLE [JobLogLines] (
        [Id] bigint NOT NULL IDENTITY,
        [JobRunId] uniqueidentifier NOT NULL,
        [At] datetime2 NOT NULL,
        [Level] nvarchar(16) NOT NULL,
        [Message] nvarchar(2000) NOT NULL,
        CONSTRAINT [PK_JobLogLines] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_JobLogLines_JobRuns_JobRunId] FOREIGN KEY ([JobRunId]) REFERENCES [JobRuns] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE INDEX [IX_JobLogLines_JobRunId_Id] ON [JobLogLines] ([JobRunId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE INDEX [IX_JobRuns_QueuedAt] ON [JobRuns] ([QueuedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE INDEX [IX_JobRuns_ScheduleId] ON [JobRuns] ([ScheduleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE INDEX [IX_JobRuns_Status_QueuedAt] ON [JobRuns] ([Status], [QueuedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE UNIQUE INDEX [IX_JobSchedules_Name] ON [JobSchedules] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE INDEX [IX_JobSchedules_SubjectType_SubjectId] ON [JobSchedules] ([SubjectType], [SubjectId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Models_Slug] ON [Models] ([Slug]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    CREATE INDEX [IX_WorkerNodes_LastCheckInAt] ON [WorkerNodes] ([LastCheckInAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123180518_Scheduling'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123180518_Scheduling', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123182335_Datasets'
)
BEGIN
    CREATE TABLE [Datasets] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(100) NOT NULL,
        [CreatedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_Datasets] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123182335_Datasets'
)
BEGIN
    CREATE TABLE [DatasetVersions] (
        [Id] uniqueidentifier NOT NULL,
        [DatasetId] uniqueidentifier NOT NULL,
        [Version] int NOT NULL,
        [Sha256] nchar(64) NOT NULL,
        [SizeBytes] bigint NOT NULL,
        [RowCount] bigint NOT NULL,
        [ColumnCount] int NOT NULL,
        [Schema] nvarchar(max) NOT NULL,
        [Profile] nvarchar(max) NOT NULL,
        [Warnings] nvarchar(max) NOT NULL,
        [SourceFileName] nvarchar(260) NULL,
        [AddedBy] nvarchar(256) NOT NULL,
        [AddedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_DatasetVersions] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_DatasetVersions_Datasets_DatasetId] FOREIGN KEY ([DatasetId]) REFERENCES [Datasets] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123182335_Datasets'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Datasets_Name] ON [Datasets] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123182335_Datasets'
)
BEGIN
    CREATE INDEX [IX_DatasetVersions_AddedAt] ON [DatasetVersions] ([AddedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123182335_Datasets'
)
BEGIN
    CREATE INDEX [IX_DatasetVersions_DatasetId_Sha256] ON [DatasetVersions] ([DatasetId], [Sha256]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123182335_Datasets'
)
BEGIN
    CREATE UNIQUE INDEX [IX_DatasetVersions_DatasetId_Version] ON [DatasetVersions] ([DatasetId], [Version]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123182335_Datasets'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123182335_Datasets', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [AcceptanceCriteria] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [DataContract] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [DecisionThreshold] float NOT NULL DEFAULT 0.5E0;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [Description] nvarchar(4000) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [DriftPolicy] nvarchar(max) NOT NULL DEFAULT N'{}';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [FeatureColumns] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [KeyColumns] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [KnownLimitations] nvarchar(4000) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [LabelColumn] nvarchar(200) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [Owners] nvarchar(2000) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [PositiveLabel] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [PrimaryMetric] nvarchar(32) NOT NULL DEFAULT N'auc';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [RiskTier] int NOT NULL DEFAULT 1;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [SensitiveAttributes] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [Task] nvarchar(32) NOT NULL DEFAULT N'BinaryClassification';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [Team] nvarchar(100) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [UpdatedAt] datetime2 NOT NULL DEFAULT '0001-01-01T00:00:00.0000000';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [UpdatedBy] nvarchar(256) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Models] ADD [UseCase] nvarchar(500) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Datasets] ADD [Description] nvarchar(4000) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Datasets] ADD [LatestVersion] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Datasets] ADD [SensitiveColumns] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Datasets] ADD [UpdatedAt] datetime2 NOT NULL DEFAULT '0001-01-01T00:00:00.0000000';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Datasets] ADD [UpdatedBy] nvarchar(256) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    ALTER TABLE [Datasets] ADD [VersionCount] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    CREATE INDEX [IX_Models_DisplayName] ON [Models] ([DisplayName]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    CREATE INDEX [IX_Models_UpdatedAt] ON [Models] ([UpdatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    CREATE INDEX [IX_Datasets_UpdatedAt] ON [Datasets] ([UpdatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    UPDATE [Models] SET [UpdatedAt] = [CreatedAt], [UpdatedBy] = [CreatedBy]
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    UPDATE [Datasets] SET [UpdatedAt] = [CreatedAt], [UpdatedBy] = [CreatedBy], [LatestVersion] = (SELECT MAX(v.[Version]) FROM [DatasetVersions] v WHERE v.[DatasetId] = [Datasets].[Id]), [VersionCount] = (SELECT COUNT(*) FROM [DatasetVersions] v WHERE v.[DatasetId] = [Datasets].[Id])
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123194806_Registry'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123194806_Registry', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    CREATE TABLE [ModelVersions] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NOT NULL,
        [Number] int NOT NULL,
        [PackageSha256] nvarchar(64) NOT NULL,
        [PackageSize] bigint NOT NULL,
        [Task] nvarchar(32) NOT NULL,
        [Features] nvarchar(max) NOT NULL,
        [Engine] nvarchar(32) NOT NULL,
        [EngineVersion] nvarchar(32) NOT NULL,
        [Seed] int NULL,
        [Hyperparameters] nvarchar(max) NOT NULL,
        [TrainingDataSha256] nvarchar(64) NULL,
        [TrainingDatasetVersionId] uniqueidentifier NULL,
        [TrainingRunId] uniqueidentifier NULL,
        [ExternallyTrained] bit NOT NULL,
        [Source] nvarchar(2000) NULL,
        [CodeVersion] nvarchar(200) NULL,
        [Stage] nvarchar(16) NOT NULL,
        [ValidationMetrics] nvarchar(max) NULL,
        [TrainedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ModelVersions] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ModelVersions_Models_ModelId] FOREIGN KEY ([ModelId]) REFERENCES [Models] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    CREATE TABLE [TrainingRounds] (
        [RunId] uniqueidentifier NOT NULL,
        [Round] int NOT NULL,
        [Metric] nvarchar(32) NOT NULL,
        [Train] float NOT NULL,
        [Validation] float NOT NULL,
        CONSTRAINT [PK_TrainingRounds] PRIMARY KEY ([RunId], [Round])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    CREATE TABLE [TrainingRuns] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NOT NULL,
        [DatasetVersionId] uniqueidentifier NOT NULL,
        [DataSha256] nvarchar(64) NOT NULL,
        [Parameters] nvarchar(max) NOT NULL,
        [Seed] int NOT NULL,
        [CodeVersion] nvarchar(200) NULL,
        [Trigger] nvarchar(32) NOT NULL,
        [Reason] nvarchar(500) NULL,
        [RequestedBy] nvarchar(256) NOT NULL,
        [NodeId] nvarchar(200) NOT NULL,
        [EngineVersion] nvarchar(32) NOT NULL,
        [StartedAt] datetime2 NOT NULL,
        [TrainRows] int NULL,
        [ValidationRows] int NULL,
        [PrepareSeconds] float NULL,
        [BoostSeconds] float NULL,
        [ModelVersionId] uniqueidentifier NULL,
        CONSTRAINT [PK_TrainingRuns] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    CREATE TABLE [ModelEvaluations] (
        [Id] uniqueidentifier NOT NULL,
        [ModelVersionId] uniqueidentifier NOT NULL,
        [DatasetVersionId] uniqueidentifier NOT NULL,
        [Threshold] float NULL,
        [Rows] int NOT NULL,
        [Result] nvarchar(max) NOT NULL,
        [Criteria] nvarchar(max) NOT NULL,
        [CriteriaPassed] bit NULL,
        [ChampionVersionId] uniqueidentifier NULL,
        [ChampionResult] nvarchar(max) NULL,
        [ChampionCriteria] nvarchar(max) NOT NULL,
        [RequestedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ModelEvaluations] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ModelEvaluations_ModelVersions_ModelVersionId] FOREIGN KEY ([ModelVersionId]) REFERENCES [ModelVersions] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    CREATE INDEX [IX_ModelEvaluations_ModelVersionId_CreatedAt] ON [ModelEvaluations] ([ModelVersionId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ModelVersions_ModelId_Number] ON [ModelVersions] ([ModelId], [Number]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ModelVersions_ModelId_PackageSha256] ON [ModelVersions] ([ModelId], [PackageSha256]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    CREATE INDEX [IX_TrainingRuns_ModelId_StartedAt] ON [TrainingRuns] ([ModelId], [StartedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123204201_Training'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123204201_Training', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123215352_Fairness'
)
BEGIN
    CREATE TABLE [FairnessAudits] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NULL,
        [ModelVersionId] uniqueidentifier NULL,
        [DatasetVersionId] uniqueidentifier NOT NULL,
        [LabelColumn] nvarchar(200) NOT NULL,
        [PredictionColumn] nvarchar(200) NULL,
        [Threshold] float NULL,
        [Sensitive] nvarchar(max) NOT NULL,
        [Intersectional] bit NOT NULL,
        [Bootstrap] int NOT NULL,
        [Seed] int NOT NULL,
        [Report] nvarchar(max) NOT NULL,
        [Verdict] nvarchar(8) NULL,
        [Policy] nvarchar(max) NOT NULL,
        [RequestedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_FairnessAudits] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123215352_Fairness'
)
BEGIN
    CREATE TABLE [FairnessPolicies] (
        [RiskTier] int NOT NULL,
        [DisparateImpactFail] float NOT NULL,
        [DisparateImpactWarn] float NOT NULL,
        [DifferenceFail] float NOT NULL,
        [DifferenceWarn] float NOT NULL,
        [MinGroupSize] int NOT NULL,
        [UpdatedBy] nvarchar(256) NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_FairnessPolicies] PRIMARY KEY ([RiskTier])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123215352_Fairness'
)
BEGIN
    CREATE INDEX [IX_FairnessAudits_ModelId_CreatedAt] ON [FairnessAudits] ([ModelId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123215352_Fairness'
)
BEGIN
    CREATE INDEX [IX_FairnessAudits_ModelVersionId_CreatedAt] ON [FairnessAudits] ([ModelVersionId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123215352_Fairness'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123215352_Fairness', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [GateOverrideAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [GateOverrideBy] nvarchar(256) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [GateOverrideReason] nvarchar(2000) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [Gates] nvarchar(max) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [GatesPassed] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [Justification] nvarchar(4000) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [ModelId] uniqueidentifier NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [PolicyId] uniqueidentifier NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [ReminderSentAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [Required] nvarchar(max) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD [TargetStage] nvarchar(16) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [ApprovalPolicies] (
        [Id] uniqueidentifier NOT NULL,
        [Kind] nvarchar(64) NOT NULL,
        [RiskTier] int NOT NULL,
        [Version] int NOT NULL,
        [StagingSignOffs] nvarchar(max) NOT NULL,
        [ProductionSignOffs] nvarchar(max) NOT NULL,
        [ExpiryDays] int NOT NULL,
        [Gates] nvarchar(max) NOT NULL,
        [ChampionTolerance] float NOT NULL,
        [CreatedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ApprovalPolicies] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [Delegations] (
        [Id] uniqueidentifier NOT NULL,
        [FromUserId] nvarchar(450) NOT NULL,
        [FromUserName] nvarchar(256) NOT NULL,
        [ToUserId] nvarchar(450) NOT NULL,
        [ToUserName] nvarchar(256) NOT NULL,
        [StartsAt] datetime2 NOT NULL,
        [EndsAt] datetime2 NOT NULL,
        [Reason] nvarchar(500) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [RevokedAt] datetime2 NULL,
        CONSTRAINT [PK_Delegations] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [Notifications] (
        [Id] uniqueidentifier NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [UserName] nvarchar(256) NOT NULL,
        [Kind] nvarchar(64) NOT NULL,
        [Title] nvarchar(300) NOT NULL,
        [Body] nvarchar(4000) NOT NULL,
        [Link] nvarchar(500) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [ReadAt] datetime2 NULL,
        [EmailTo] nvarchar(256) NULL,
        [EmailStatus] nvarchar(16) NOT NULL,
        [EmailAttempts] int NOT NULL,
        [EmailNextAttemptAt] datetime2 NULL,
        [EmailSentAt] datetime2 NULL,
        [EmailError] nvarchar(2000) NULL,
        [LockedUntil] datetime2 NULL,
        CONSTRAINT [PK_Notifications] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [SignOffs] (
        [Id] uniqueidentifier NOT NULL,
        [RequestId] nvarchar(36) NOT NULL,
        [Role] nvarchar(64) NOT NULL,
        [Approved] bit NOT NULL,
        [Comment] nvarchar(4000) NOT NULL,
        [UserId] nvarchar(450) NOT NULL,
        [UserName] nvarchar(256) NOT NULL,
        [CountsForUserId] nvarchar(450) NOT NULL,
        [OnBehalfOfUserName] nvarchar(256) NULL,
        [DelegationId] uniqueidentifier NULL,
        [StepUp] nvarchar(32) NOT NULL,
        [SignedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_SignOffs] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_SignOffs_ApprovalRequests_RequestId] FOREIGN KEY ([RequestId]) REFERENCES [ApprovalRequests] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [SmtpSettings] (
        [Id] int NOT NULL,
        [Enabled] bit NOT NULL,
        [Host] nvarchar(256) NOT NULL,
        [Port] int NOT NULL,
        [Security] nvarchar(16) NOT NULL,
        [UserName] nvarchar(256) NULL,
        [ProtectedPassword] nvarchar(4000) NULL,
        [FromAddress] nvarchar(256) NOT NULL,
        [FromName] nvarchar(256) NOT NULL,
        [PortalUrl] nvarchar(500) NULL,
        [UpdatedBy] nvarchar(256) NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_SmtpSettings] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [StageChanges] (
        [Id] bigint NOT NULL IDENTITY,
        [ModelId] uniqueidentifier NOT NULL,
        [ModelVersionId] uniqueidentifier NOT NULL,
        [VersionNumber] int NOT NULL,
        [From] nvarchar(16) NOT NULL,
        [To] nvarchar(16) NOT NULL,
        [RequestId] nvarchar(36) NULL,
        [Reason] nvarchar(32) NOT NULL,
        [SignedBy] nvarchar(max) NOT NULL,
        [ChangedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_StageChanges] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [WebhookSubscriptions] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Url] nvarchar(2000) NOT NULL,
        [Events] nvarchar(max) NOT NULL,
        [ProtectedSecret] nvarchar(4000) NOT NULL,
        [Enabled] bit NOT NULL,
        [CreatedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_WebhookSubscriptions] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [WebhookDeliveries] (
        [Id] uniqueidentifier NOT NULL,
        [SubscriptionId] uniqueidentifier NOT NULL,
        [Event] nvarchar(64) NOT NULL,
        [Body] nvarchar(max) NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [Attempts] int NOT NULL,
        [NextAttemptAt] datetime2 NOT NULL,
        [LastAttemptAt] datetime2 NULL,
        [LastStatusCode] int NULL,
        [LastError] nvarchar(2000) NULL,
        [DeliveredAt] datetime2 NULL,
        [CreatedAt] datetime2 NOT NULL,
        [LockedUntil] datetime2 NULL,
        CONSTRAINT [PK_WebhookDeliveries] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_WebhookDeliveries_WebhookSubscriptions_SubscriptionId] FOREIGN KEY ([SubscriptionId]) REFERENCES [WebhookSubscriptions] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE TABLE [WebhookAttempts] (
        [Id] bigint NOT NULL IDENTITY,
        [DeliveryId] uniqueidentifier NOT NULL,
        [Number] int NOT NULL,
        [At] datetime2 NOT NULL,
        [StatusCode] int NULL,
        [Error] nvarchar(2000) NULL,
        [DurationMs] float NOT NULL,
        CONSTRAINT [PK_WebhookAttempts] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_WebhookAttempts_WebhookDeliveries_DeliveryId] FOREIGN KEY ([DeliveryId]) REFERENCES [WebhookDeliveries] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'ChampionTolerance', N'CreatedAt', N'CreatedBy', N'ExpiryDays', N'Gates', N'Kind', N'ProductionSignOffs', N'RiskTier', N'StagingSignOffs', N'Version') AND [object_id] = OBJECT_ID(N'[ApprovalPolicies]'))
        SET IDENTITY_INSERT [ApprovalPolicies] ON;
    EXEC(N'INSERT INTO [ApprovalPolicies] ([Id], [ChampionTolerance], [CreatedAt], [CreatedBy], [ExpiryDays], [Gates], [Kind], [ProductionSignOffs], [RiskTier], [StagingSignOffs], [Version])
    VALUES (''00000000-0000-0000-0000-000000000001'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''["acceptance-criteria","fairness","champion","drift","data-contract"]'', N''promotion'', N''[{"role":"MlEngineer","count":1}]'', 0, N''[{"role":"MlEngineer","count":1}]'', 1),
    (''00000000-0000-0000-0000-000000000002'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 2, N''["data-contract"]'', N''rollback'', N''[{"role":"MlEngineer","count":1}]'', 0, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000003'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''criteria-change'', N''[{"role":"BusinessStakeholder","count":1},{"role":"MlEngineer","count":1}]'', 0, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000004'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''["acceptance-criteria","fairness","champion","drift","data-contract"]'', N''promotion'', N''[{"role":"MlEngineer","count":1},{"role":"BusinessStakeholder","count":1}]'', 1, N''[{"role":"MlEngineer","count":1},{"role":"BusinessStakeholder","count":1}]'', 1),
    (''00000000-0000-0000-0000-000000000005'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 2, N''["data-contract"]'', N''rollback'', N''[{"role":"MlEngineer","count":1}]'', 1, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000006'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''criteria-change'', N''[{"role":"BusinessStakeholder","count":1},{"role":"MlEngineer","count":1}]'', 1, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000007'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''["acceptance-criteria","fairness","champion","drift","data-contract"]'', N''promotion'', N''[{"role":"MlEngineer","count":1},{"role":"BusinessStakeholder","count":1},{"role":"ComplianceOfficer","count":1}]'', 2, N''[{"role":"MlEngineer","count":1},{"role":"BusinessStakeholder","count":1},{"role":"ComplianceOfficer","count":1}]'', 1),
    (''00000000-0000-0000-0000-000000000008'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 2, N''["data-contract"]'', N''rollback'', N''[{"role":"MlEngineer","count":1},{"role":"ComplianceOfficer","count":1}]'', 2, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000009'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''criteria-change'', N''[{"role":"BusinessStakeholder","count":1},{"role":"MlEngineer","count":1},{"role":"ComplianceOfficer","count":1}]'', 2, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000010'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''["acceptance-criteria","fairness","champion","drift","data-contract"]'', N''promotion'', N''[{"role":"MlEngineer","count":1},{"role":"BusinessStakeholder","count":1},{"role":"ComplianceOfficer","count":2}]'', 3, N''[{"role":"MlEngineer","count":1},{"role":"BusinessStakeholder","count":1},{"role":"ComplianceOfficer","count":2}]'', 1),
    (''00000000-0000-0000-0000-000000000011'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 2, N''["data-contract"]'', N''rollback'', N''[{"role":"MlEngineer","count":1},{"role":"ComplianceOfficer","count":1}]'', 3, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000012'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''criteria-change'', N''[{"role":"BusinessStakeholder","count":1},{"role":"MlEngineer","count":1},{"role":"ComplianceOfficer","count":1}]'', 3, N''[]'', 1)');
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'ChampionTolerance', N'CreatedAt', N'CreatedBy', N'ExpiryDays', N'Gates', N'Kind', N'ProductionSignOffs', N'RiskTier', N'StagingSignOffs', N'Version') AND [object_id] = OBJECT_ID(N'[ApprovalPolicies]'))
        SET IDENTITY_INSERT [ApprovalPolicies] OFF;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_ModelVersions_OneProduction] ON [ModelVersions] ([ModelId]) WHERE [Stage] = ''Production''');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_ApprovalRequests_ModelId_RequestedAt] ON [ApprovalRequests] ([ModelId], [RequestedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_ApprovalRequests_PolicyId] ON [ApprovalRequests] ([PolicyId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ApprovalPolicies_Kind_RiskTier_Version] ON [ApprovalPolicies] ([Kind], [RiskTier], [Version]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_Delegations_FromUserId_EndsAt] ON [Delegations] ([FromUserId], [EndsAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_Delegations_ToUserId_EndsAt] ON [Delegations] ([ToUserId], [EndsAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_Notifications_EmailStatus_EmailNextAttemptAt] ON [Notifications] ([EmailStatus], [EmailNextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_Notifications_UserId_ReadAt_CreatedAt] ON [Notifications] ([UserId], [ReadAt], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE UNIQUE INDEX [IX_SignOffs_RequestId_CountsForUserId] ON [SignOffs] ([RequestId], [CountsForUserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE UNIQUE INDEX [IX_SignOffs_RequestId_UserId] ON [SignOffs] ([RequestId], [UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_StageChanges_ModelId_ChangedAt] ON [StageChanges] ([ModelId], [ChangedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_StageChanges_ModelVersionId] ON [StageChanges] ([ModelVersionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_WebhookAttempts_DeliveryId] ON [WebhookAttempts] ([DeliveryId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_WebhookDeliveries_Status_NextAttemptAt] ON [WebhookDeliveries] ([Status], [NextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    CREATE INDEX [IX_WebhookDeliveries_SubscriptionId_CreatedAt] ON [WebhookDeliveries] ([SubscriptionId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    ALTER TABLE [ApprovalRequests] ADD CONSTRAINT [FK_ApprovalRequests_ApprovalPolicies_PolicyId] FOREIGN KEY ([PolicyId]) REFERENCES [ApprovalPolicies] ([Id]) ON DELETE NO ACTION;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123224435_Approvals'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123224435_Approvals', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123233251_Drift'
)
BEGIN
    CREATE TABLE [DriftAlerts] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NOT NULL,
        [ModelVersionId] uniqueidentifier NOT NULL,
        [Cause] nvarchar(64) NOT NULL,
        [Severity] nvarchar(16) NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [Summary] nvarchar(500) NOT NULL,
        [FirstReportId] uniqueidentifier NOT NULL,
        [LastReportId] uniqueidentifier NOT NULL,
        [Reports] int NOT NULL,
        [DataArrivedAt] datetime2 NOT NULL,
        [RaisedAt] datetime2 NOT NULL,
        [LastSeenAt] datetime2 NOT NULL,
        [AssignedTo] nvarchar(256) NULL,
        [AcknowledgedAt] datetime2 NULL,
        [AcknowledgedBy] nvarchar(256) NULL,
        [ClosedAt] datetime2 NULL,
        [ClosedBy] nvarchar(256) NULL,
        [Resolution] nvarchar(2000) NULL,
        [RetrainingRunId] uniqueidentifier NULL,
        CONSTRAINT [PK_DriftAlerts] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_DriftAlerts_Models_ModelId] FOREIGN KEY ([ModelId]) REFERENCES [Models] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123233251_Drift'
)
BEGIN
    CREATE TABLE [DriftReports] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NOT NULL,
        [ModelVersionId] uniqueidentifier NOT NULL,
        [ReferenceDatasetVersionId] uniqueidentifier NOT NULL,
        [CurrentDatasetVersionId] uniqueidentifier NOT NULL,
        [Report] nvarchar(max) NOT NULL,
        [DriftedShare] float NULL,
        [DatasetDrift] bit NULL,
        [DriftedColumns] int NOT NULL,
        [JudgedColumns] int NOT NULL,
        [DataArrivedAt] datetime2 NOT NULL,
        [RequestedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_DriftReports] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_DriftReports_Models_ModelId] FOREIGN KEY ([ModelId]) REFERENCES [Models] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123233251_Drift'
)
BEGIN
    CREATE TABLE [DriftAlertEvents] (
        [Id] bigint NOT NULL IDENTITY,
        [AlertId] uniqueidentifier NOT NULL,
        [Action] nvarchar(32) NOT NULL,
        [Actor] nvarchar(256) NOT NULL,
        [Text] nvarchar(4000) NOT NULL,
        [At] datetime2 NOT NULL,
        CONSTRAINT [PK_DriftAlertEvents] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_DriftAlertEvents_DriftAlerts_AlertId] FOREIGN KEY ([AlertId]) REFERENCES [DriftAlerts] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123233251_Drift'
)
BEGIN
    CREATE INDEX [IX_DriftAlertEvents_AlertId] ON [DriftAlertEvents] ([AlertId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123233251_Drift'
)
BEGIN
    CREATE INDEX [IX_DriftAlerts_ModelId_Cause_Status] ON [DriftAlerts] ([ModelId], [Cause], [Status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123233251_Drift'
)
BEGIN
    CREATE INDEX [IX_DriftAlerts_Status_RaisedAt] ON [DriftAlerts] ([Status], [RaisedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123233251_Drift'
)
BEGIN
    CREATE INDEX [IX_DriftReports_ModelId_CreatedAt] ON [DriftReports] ([ModelId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123233251_Drift'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123233251_Drift', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123235846_LongerDecisionComment'
)
BEGIN
    DECLARE @var nvarchar(max);
    SELECT @var = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[ApprovalRequests]') AND [c].[name] = N'DecisionComment');
    IF @var IS NOT NULL EXEC(N'ALTER TABLE [ApprovalRequests] DROP CONSTRAINT ' + @var + ';');
    ALTER TABLE [ApprovalRequests] ALTER COLUMN [DecisionComment] nvarchar(4000) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123235846_LongerDecisionComment'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123235846_LongerDecisionComment', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124010416_Reports'
)
BEGIN
    CREATE TABLE [ComplianceReports] (
        [Id] uniqueidentifier NOT NULL,
        [Kind] nvarchar(32) NOT NULL,
        [Title] nvarchar(300) NOT NULL,
        [ModelId] uniqueidentifier NULL,
        [ModelVersionId] uniqueidentifier NULL,
        [PeriodFrom] datetime2 NULL,
        [PeriodTo] datetime2 NULL,
        [Sha256] nchar(64) NOT NULL,
        [SizeBytes] bigint NOT NULL,
        [Pages] int NOT NULL,
        [ChainSequence] bigint NOT NULL,
        [ChainHash] nvarchar(64) NOT NULL,
        [CertificateFingerprint] nvarchar(100) NOT NULL,
        [GeneratedBy] nvarchar(256) NOT NULL,
        [GeneratedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ComplianceReports] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124010416_Reports'
)
BEGIN
    CREATE TABLE [ReportSigningKeys] (
        [Id] int NOT NULL,
        [Subject] nvarchar(300) NOT NULL,
        [Fingerprint] nvarchar(100) NOT NULL,
        [NotBefore] datetime2 NOT NULL,
        [NotAfter] datetime2 NOT NULL,
        [ProtectedPkcs12] nvarchar(max) NOT NULL,
        [Source] nvarchar(32) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ReportSigningKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124010416_Reports'
)
BEGIN
    CREATE INDEX [IX_ComplianceReports_GeneratedAt] ON [ComplianceReports] ([GeneratedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124010416_Reports'
)
BEGIN
    CREATE INDEX [IX_ComplianceReports_ModelVersionId_GeneratedAt] ON [ComplianceReports] ([ModelVersionId], [GeneratedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124010416_Reports'
)
BEGIN
    CREATE INDEX [IX_ComplianceReports_Sha256] ON [ComplianceReports] ([Sha256]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124010416_Reports'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124010416_Reports', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    ALTER TABLE [Models] ADD [ConfidenceBand] nvarchar(100) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    ALTER TABLE [Models] ADD [RollbackRules] nvarchar(max) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    ALTER TABLE [Models] ADD [RollbackRulesRequestId] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE TABLE [AutomaticRollbacks] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NOT NULL,
        [FromVersionId] uniqueidentifier NOT NULL,
        [ToVersionId] uniqueidentifier NULL,
        [RuleRequestId] nvarchar(64) NOT NULL,
        [Rule] nvarchar(500) NOT NULL,
        [Evidence] nvarchar(2000) NOT NULL,
        [SnapshotId] uniqueidentifier NOT NULL,
        [IncidentAlertId] uniqueidentifier NULL,
        [BreachAt] datetime2 NOT NULL,
        [CompletedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_AutomaticRollbacks] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AutomaticRollbacks_Models_ModelId] FOREIGN KEY ([ModelId]) REFERENCES [Models] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE TABLE [LivePerformanceSnapshots] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NOT NULL,
        [ModelVersionId] uniqueidentifier NOT NULL,
        [VersionNumber] int NOT NULL,
        [ScoredRows] bigint NOT NULL,
        [LabelledRows] bigint NOT NULL,
        [BandLow] float NULL,
        [BandHigh] float NULL,
        [BandShare] float NULL,
        [Metrics] nvarchar(max) NOT NULL,
        [TrainingMetrics] nvarchar(max) NOT NULL,
        [Batches] nvarchar(max) NOT NULL,
        [Fairness] nvarchar(max) NOT NULL,
        [FairnessVerdict] nvarchar(16) NULL,
        [Breaches] nvarchar(max) NOT NULL,
        [OutcomesArrivedAt] datetime2 NULL,
        [JobRunId] uniqueidentifier NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_LivePerformanceSnapshots] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_LivePerformanceSnapshots_Models_ModelId] FOREIGN KEY ([ModelId]) REFERENCES [Models] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE TABLE [OutcomeUploads] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NOT NULL,
        [DatasetVersionId] uniqueidentifier NOT NULL,
        [Rows] bigint NOT NULL,
        [Matched] bigint NOT NULL,
        [Unknown] bigint NOT NULL,
        [Duplicates] bigint NOT NULL,
        [UnknownSample] nvarchar(max) NOT NULL,
        [DuplicateSample] nvarchar(max) NOT NULL,
        [LabelledJobs] nvarchar(max) NOT NULL,
        [UploadedBy] nvarchar(256) NOT NULL,
        [UploadedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_OutcomeUploads] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_OutcomeUploads_Models_ModelId] FOREIGN KEY ([ModelId]) REFERENCES [Models] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE TABLE [Reproductions] (
        [Id] uniqueidentifier NOT NULL,
        [ModelVersionId] uniqueidentifier NOT NULL,
        [RecordedSha256] nvarchar(64) NOT NULL,
        [NewSha256] nvarchar(64) NOT NULL,
        [Identical] bit NOT NULL,
        [RequestedBy] nvarchar(256) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_Reproductions] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE TABLE [ShadowScorings] (
        [Id] uniqueidentifier NOT NULL,
        [ModelId] uniqueidentifier NOT NULL,
        [ChampionVersionId] uniqueidentifier NOT NULL,
        [ChallengerVersionId] uniqueidentifier NOT NULL,
        [InputDatasetVersionId] uniqueidentifier NOT NULL,
        [ChampionOutputId] uniqueidentifier NULL,
        [ShadowSha256] nvarchar(64) NOT NULL,
        [Rows] bigint NOT NULL,
        [AgreementRate] float NULL,
        [MeanAbsDifference] float NOT NULL,
        [ChampionHistogram] nvarchar(max) NOT NULL,
        [ChallengerHistogram] nvarchar(max) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_ShadowScorings] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ShadowScorings_Models_ModelId] FOREIGN KEY ([ModelId]) REFERENCES [Models] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'ChampionTolerance', N'CreatedAt', N'CreatedBy', N'ExpiryDays', N'Gates', N'Kind', N'ProductionSignOffs', N'RiskTier', N'StagingSignOffs', N'Version') AND [object_id] = OBJECT_ID(N'[ApprovalPolicies]'))
        SET IDENTITY_INSERT [ApprovalPolicies] ON;
    EXEC(N'INSERT INTO [ApprovalPolicies] ([Id], [ChampionTolerance], [CreatedAt], [CreatedBy], [ExpiryDays], [Gates], [Kind], [ProductionSignOffs], [RiskTier], [StagingSignOffs], [Version])
    VALUES (''00000000-0000-0000-0000-000000000101'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''confidence-band'', N''[{"role":"MlEngineer","count":1}]'', 0, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000102'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''rollback-rules'', N''[{"role":"ComplianceOfficer","count":1}]'', 0, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000103'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''confidence-band'', N''[{"role":"MlEngineer","count":1}]'', 1, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000104'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''rollback-rules'', N''[{"role":"ComplianceOfficer","count":1}]'', 1, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000105'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''confidence-band'', N''[{"role":"MlEngineer","count":1},{"role":"ComplianceOfficer","count":1}]'', 2, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000106'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''rollback-rules'', N''[{"role":"ComplianceOfficer","count":1},{"role":"MlEngineer","count":1}]'', 2, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000107'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''confidence-band'', N''[{"role":"MlEngineer","count":1},{"role":"ComplianceOfficer","count":1}]'', 3, N''[]'', 1),
    (''00000000-0000-0000-0000-000000000108'', 0.01E0, ''2026-11-23T00:00:00.0000000Z'', N''default'', 14, N''[]'', N''rollback-rules'', N''[{"role":"ComplianceOfficer","count":1},{"role":"MlEngineer","count":1}]'', 3, N''[]'', 1)');
    IF EXISTS (SELECT * FROM [sys].[identity_columns] WHERE [name] IN (N'Id', N'ChampionTolerance', N'CreatedAt', N'CreatedBy', N'ExpiryDays', N'Gates', N'Kind', N'ProductionSignOffs', N'RiskTier', N'StagingSignOffs', N'Version') AND [object_id] = OBJECT_ID(N'[ApprovalPolicies]'))
        SET IDENTITY_INSERT [ApprovalPolicies] OFF;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE UNIQUE INDEX [IX_AutomaticRollbacks_FromVersionId] ON [AutomaticRollbacks] ([FromVersionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE INDEX [IX_AutomaticRollbacks_ModelId_CompletedAt] ON [AutomaticRollbacks] ([ModelId], [CompletedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE INDEX [IX_LivePerformanceSnapshots_ModelId_CreatedAt] ON [LivePerformanceSnapshots] ([ModelId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE INDEX [IX_OutcomeUploads_ModelId_UploadedAt] ON [OutcomeUploads] ([ModelId], [UploadedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE INDEX [IX_Reproductions_ModelVersionId_CreatedAt] ON [Reproductions] ([ModelVersionId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE INDEX [IX_ShadowScorings_ChallengerVersionId_CreatedAt] ON [ShadowScorings] ([ChallengerVersionId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    CREATE INDEX [IX_ShadowScorings_ModelId] ON [ShadowScorings] ([ModelId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124015810_ProductionLoop'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124015810_ProductionLoop', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207205134_TrainingEngine'
)
BEGIN
    ALTER TABLE [TrainingRuns] ADD [Engine] nvarchar(32) NOT NULL DEFAULT N'xgboost';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207205134_TrainingEngine'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261207205134_TrainingEngine', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207211927_ReasonTexts'
)
BEGIN
    ALTER TABLE [Models] ADD [ReasonTexts] nvarchar(max) NOT NULL DEFAULT N'[]';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207211927_ReasonTexts'
)
BEGIN
    ALTER TABLE [Models] ADD [ReasonTextsSignedAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207211927_ReasonTexts'
)
BEGIN
    ALTER TABLE [Models] ADD [ReasonTextsSignedBy] nvarchar(256) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207211927_ReasonTexts'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261207211927_ReasonTexts', N'10.0.14');
END;

COMMIT;
GO

