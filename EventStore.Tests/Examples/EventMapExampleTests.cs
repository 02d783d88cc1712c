using Dapper;
using EventStore.Examples.EventMapCodegen;
using Npgsql;

namespace EventStore.Tests.Examples;

public sealed class EventMapExampleTests
{
    [Test]
    public async Task The_example_folds_a_stream_of_mixed_versions_into_the_current_profile()
    {
        await using var database = await TestServer.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        using var output = new StringWriter();

        var profile = await EventMapExample.RunAsync(dataSource, output, CancellationToken.None);

        profile.Email.ShouldBe("ada@new.example");
        profile.Country.ShouldBe("NL");
        profile.IsDeleted.ShouldBeFalse();
        profile.Version.ShouldBe(4);
        output.ToString().ShouldContain("Appended UserRegistered v1 at version 1");
        output.ToString().ShouldContain("Appended UserRegistered v2 at version 4");
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        (await connection.QueryAsync<int>("SELECT event_version FROM events ORDER BY aggregate_version")).ShouldBe([1, 1, 1, 2]);
    }

    [Test]
    public async Task The_example_program_runs_end_to_end_on_the_database_it_is_given()
    {
        await using var database = await TestServer.CreateDatabaseAsync();

        var (exitCode, output, errors) = await ExampleProgram.RunAsync("EventMapCodegen.dll", database.ConnectionString);

        exitCode.ShouldBe(0, errors);
        output.ShouldContain("using the server in EVENTSTORE_CONNECTION");
        output.ShouldContain("Profile: ada@new.example, country NL, deleted: False, version 4");
    }
}
