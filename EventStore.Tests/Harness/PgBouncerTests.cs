using System.Diagnostics;
using System.Globalization;
using EventStore.Testing;
using Npgsql;
using static EventStore.Tests.Harness.ProcessChecks;

namespace EventStore.Tests.Harness;

public sealed class PgBouncerTests
{
    [Test]
    public async Task A_connection_through_the_pooler_reaches_the_server_of_the_run()
    {
        var pooler = await TestPooler.RequireAsync();

        var pooled = await SystemIdentifierAsync(pooler.ConnectionString);

        pooled.ShouldBe(await SystemIdentifierAsync(TestServer.Server.ConnectionString));
        Port(pooler.ConnectionString).ShouldNotBe(Port(TestServer.Server.ConnectionString), "the connection goes to the pooler, not to the server");
    }

    [Test]
    public async Task A_routed_connection_string_reaches_its_temporary_database_as_its_user_through_the_pooler()
    {
        var pooler = await TestPooler.RequireAsync();
        await using var database = await TestServer.CreateDatabaseAsync();

        var routed = pooler.Route(database.ConnectionString);

        Port(routed).ShouldBe(Port(pooler.ConnectionString));
        await using var connection = new NpgsqlConnection(routed);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_database() || ' ' || current_user", connection);
        var expectedUser = new NpgsqlConnectionStringBuilder(TestServer.Server.ConnectionString).Username;
        ((string?)await command.ExecuteScalarAsync()).ShouldBe($"{database.Name} {expectedUser}");
    }

    [Test]
    public async Task Routing_a_connection_string_for_another_server_is_refused()
    {
        var pooler = await TestPooler.RequireAsync();
        var elsewhere = new NpgsqlConnectionStringBuilder(TestServer.Server.ConnectionString) { Port = 1 };

        var refusal = Should.Throw<ArgumentException>(() => pooler.Route(elsewhere.ConnectionString));

        refusal.Message.ShouldContain($"The connection string is for {elsewhere.Host}:1, but this pooler is in front of");
    }

    [Test]
    public async Task In_transaction_mode_a_second_client_runs_on_the_backend_the_first_client_used_while_the_first_stays_connected()
    {
        TestPooler.RequireBinary();
        // One server connection for both clients: in session mode the second client would wait for the first to leave,
        // until its command timeout fails the test.
        await using var pooler = await PgBouncer.StartAsync(TestServer.Server, new PgBouncerOptions { DefaultPoolSize = 1 });
        var unpooled = new NpgsqlConnectionStringBuilder(pooler.ConnectionString) { Pooling = false, CommandTimeout = 10 }.ConnectionString;
        await using var first = new NpgsqlConnection(unpooled);
        await first.OpenAsync();
        var firstBackend = await BackendOfATransactionAsync(first);

        await using var second = new NpgsqlConnection(unpooled);
        await second.OpenAsync();
        var secondBackend = await BackendOfATransactionAsync(second);

        secondBackend.ShouldBe(firstBackend);
        (await BackendOfATransactionAsync(first)).ShouldBe(firstBackend, "the first client is still connected, and served by the one backend");
    }

    [Test]
    public async Task Disposing_a_pooler_stops_its_pgbouncer_and_deletes_its_folder()
    {
        TestPooler.RequireBinary();
        var pooler = await PgBouncer.StartAsync(TestServer.Server);
        var processId = pooler.ProcessId;
        IsRunning(processId).ShouldBeTrue();

        await pooler.DisposeAsync();

        Directory.Exists(pooler.Folder).ShouldBeFalse();
        IsRunning(processId).ShouldBeFalse();
    }

    [Test]
    public async Task A_pooler_is_torn_down_when_its_owner_dies_without_disposing_it()
    {
        var binary = TestPooler.RequireBinary();
        var version = await PgBouncerBinary.ReadVersionAsync(binary, CancellationToken.None);
        var folder = Directory.CreateTempSubdirectory("eventstore-pgbouncer-").FullName;
        var port = LocalCluster.FreeLoopbackPort();
        PgBouncerConfiguration.Write(folder, port, new NpgsqlConnectionStringBuilder(TestServer.Server.ConnectionString), new PgBouncerOptions());
        var user = Environment.IsPrivilegedProcess ? UnprivilegedUser.Find() : string.Empty;
        // The owner is a shell that holds the script's input open and is then killed outright,
        // as a test run killed by a CI timeout would be.
        var owner = Process.Start(new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c", "exec 3> >(exec setsid --wait bash -c \"$1\" run-pgbouncer \"$2\" \"$3\" \"$4\" \"$5\"); exec sleep 600",
                "owner", OwnedScript.Read("run-pgbouncer.sh"), folder, binary, user, PgBouncerBinary.ImmediateShutdownSignal(version),
            },
        })!;
        try
        {
            var through = new NpgsqlConnectionStringBuilder(TestServer.Server.ConnectionString) { Host = "127.0.0.1", Port = port, Pooling = false };
            await WaitUntilAsync(() => ReachesServerAsync(through.ConnectionString), "the owner's pooler to start");
            var processId = int.Parse(File.ReadLines(Path.Combine(folder, PgBouncerConfiguration.ProcessIdFile)).First(), CultureInfo.InvariantCulture);

            owner.Kill();
            await owner.WaitForExitAsync();

            await WaitUntilAsync(() => Task.FromResult(!Directory.Exists(folder) && !IsRunning(processId)), "the orphaned pooler to be torn down");
        }
        finally
        {
            // A failed test must not leave the owner holding the pooler open for ten minutes.
            owner.Kill();
        }
    }

    [Test]
    public async Task A_pooler_whose_server_does_not_answer_fails_its_start_in_time_with_the_pgbouncer_log()
    {
        TestPooler.RequireBinary();
        var deadPort = LocalCluster.FreeLoopbackPort();
        var variable = $"EVENTSTORE_TEST_DEAD_SERVER_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, $"Host=127.0.0.1;Port={deadPort};Username=postgres;Database=postgres");
        try
        {
            await using var deadServer = await PostgresServer.StartAsync(new PostgresServerOptions { ConnectionStringVariable = variable });
            var started = Stopwatch.StartNew();

            var failure = await Should.ThrowAsync<TimeoutException>(
                () => PgBouncer.StartAsync(deadServer, new PgBouncerOptions { StartTimeout = TimeSpan.FromSeconds(3) }));

            started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
            failure.Message.ShouldContain($"127.0.0.1:{deadPort}", Case.Sensitive, "pgbouncer logs each failed connection to the server");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Test]
    [NonParallelizable] // points the process-wide variable that every pooler start reads at a program that is not there
    public async Task Without_a_pgbouncer_program_the_start_fails_with_a_message_naming_the_debian_package()
    {
        var configured = Environment.GetEnvironmentVariable(PgBouncerBinary.Variable);
        Environment.SetEnvironmentVariable(PgBouncerBinary.Variable, "/nonexistent/pgbouncer");
        try
        {
            PgBouncer.FindBinary().ShouldBeNull();

            var failure = await Should.ThrowAsync<InvalidOperationException>(() => PgBouncer.StartAsync(TestServer.Server));

            failure.Message.ShouldBe(PgBouncer.MissingBinaryMessage);
            failure.Message.ShouldContain("install the package pgbouncer (apt-get install pgbouncer)");
            failure.Message.ShouldContain("/nonexistent/pgbouncer");
        }
        finally
        {
            Environment.SetEnvironmentVariable(PgBouncerBinary.Variable, configured);
        }
    }

    [Test]
    public async Task MaxPreparedStatements_is_written_on_pgbouncer_1_21_or_later_and_refused_with_a_message_naming_the_versions_on_an_older_one()
    {
        var binary = TestPooler.RequireBinary();
        var version = await PgBouncerBinary.ReadVersionAsync(binary, CancellationToken.None);
        var options = new PgBouncerOptions { MaxPreparedStatements = 100 };

        if (version < new Version(1, 21))
        {
            var refusal = await Should.ThrowAsync<NotSupportedException>(() => PgBouncer.StartAsync(TestServer.Server, options));
            refusal.Message.ShouldContain("max_prepared_statements, which PgBouncer supports from 1.21");
            refusal.Message.ShouldContain($"{binary} is PgBouncer {version}");
        }
        else
        {
            await using var pooler = await PgBouncer.StartAsync(TestServer.Server, options);
            File.ReadAllLines(Path.Combine(pooler.Folder, PgBouncerConfiguration.ConfigurationFile)).ShouldContain("max_prepared_statements = 100");
        }
    }

    [Test]
    [NonParallelizable] // points the process-wide variable that every pooler start reads at a file of its own
    public async Task Each_pooler_and_its_pgbouncer_process_are_recorded_in_the_file_the_build_names()
    {
        TestPooler.RequireBinary();
        var scratch = Directory.CreateTempSubdirectory("eventstore-record-").FullName;
        var record = Path.Combine(scratch, "local-clusters.txt");
        var buildRecord = Environment.GetEnvironmentVariable(ClusterRecord.FileVariable);
        Environment.SetEnvironmentVariable(ClusterRecord.FileVariable, record);
        try
        {
            await using var pooler = await PgBouncer.StartAsync(TestServer.Server);

            var lines = File.ReadAllLines(record).Select(line => line.Split('\t')).ToList();
            lines.Count.ShouldBe(2);
            lines[0].ShouldBe([pooler.Folder], "the folder is recorded alone before pgbouncer starts");
            lines[1][0].ShouldBe(pooler.Folder);
            int.Parse(lines[1][1], CultureInfo.InvariantCulture).ShouldBe(pooler.ProcessId);
            new DateTime(long.Parse(lines[1][2], CultureInfo.InvariantCulture), DateTimeKind.Utc)
                .ShouldBe(StartTime(pooler.ProcessId), TimeSpan.FromSeconds(1));
            lines[1][3].ShouldBe("pgbouncer", "the build names the program that outlived the run");
        }
        finally
        {
            Environment.SetEnvironmentVariable(ClusterRecord.FileVariable, buildRecord);
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static int Port(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Port;

    private static async Task<long> SystemIdentifierAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT system_identifier FROM pg_control_system()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int> BackendOfATransactionAsync(NpgsqlConnection connection)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection, transaction);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        await transaction.CommitAsync();
        return backend;
    }

    private static async Task<bool> ReachesServerAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}
