using MlopsPortal.Web.Cli;

// One executable: with no command (or `serve`) it runs the portal; otherwise it runs the command.
return await PortalCommandLine.RunAsync(args);
