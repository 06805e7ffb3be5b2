%% The `overload` preset on real OTP: a slow registered server `db` (40 ms per request),
%% `ingest` casting to it every 30 ms, and `api` (under `api_sup`) calling it every 200 ms
%% with a 500 ms timeout. Prints each supervisor report with its time in ms since the root
%% started, then db's queue length at 12 s. crates/sim/tests/overload.rs holds the figures
%% OTP 25 printed; to ask again:
%%   erlc overload.erl && erl -noshell -s overload run -s init stop
-module(overload).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, run/0, log/2, start_link/1]).
%% one module is the callback of the supervisors and of the gen_servers
start_link({sup, Name, Flags, Kids}) -> supervisor:start_link(?MODULE, {sup, Name, Flags, Kids});
start_link(Spec) -> gen_server:start_link(?MODULE, Spec, []).
init({sup, _Name, Flags, Kids}) -> {ok, {Flags, Kids}};
init(db) -> register(db, self()), {ok, 0};
init({client, Mode, Req, Every, Timeout}) ->
  erlang:send_after(Every, self(), tick), {ok, {Mode, Req, Every, Timeout}}.
handle_call(get, _From, N) -> timer:sleep(40), {reply, N, N}.
handle_cast(increment, N) -> timer:sleep(40), {noreply, N+1}.
handle_info(tick, S = {cast, Req, Every, _}) -> gen_server:cast(db, Req), erlang:send_after(Every, self(), tick), {noreply, S};
handle_info(tick, S = {call, Req, Every, T}) -> _ = gen_server:call(db, Req, T), erlang:send_after(Every, self(), tick), {noreply, S}.
log(#{msg := {report, #{label := {supervisor, L}, report := R}}}, _) ->
  T = erlang:monotonic_time(millisecond) - persistent_term:get(t0),
  Ctx = proplists:get_value(errorContext, R), Off = proplists:get_value(offender, R),
  io:format("~p ~p ~p ~p~n", [T, L, proplists:get_value(id, Off), proplists:get_value(reason, R, Ctx)]);
log(_, _) -> ok.
run() ->
  logger:remove_handler(default),
  logger:add_handler(cap, ?MODULE, #{}),
  W = fun(Id, A) -> #{id => Id, start => {?MODULE, start_link, [A]}} end,
  Api = {sup, api_sup, #{strategy => one_for_one, intensity => 3, period => 5}, [W(api, {client, call, get, 200, 500})]},
  Root = {sup, root, #{strategy => one_for_one, intensity => 3, period => 5},
     [W(db, db), W(ingest, {client, cast, increment, 30, x}), (W(api_sup, Api))#{type => supervisor}]},
  persistent_term:put(t0, erlang:monotonic_time(millisecond)),
  {ok, P} = start_link(Root), unlink(P),
  timer:sleep(12000),
  {message_queue_len, L} = process_info(whereis(db), message_queue_len),
  io:format("db qlen at 12 s: ~p~n", [L]).
