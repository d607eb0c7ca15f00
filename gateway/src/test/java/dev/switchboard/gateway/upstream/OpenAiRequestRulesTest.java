package dev.switchboard.gateway.upstream;

import dev.switchboard.gateway.dialect.ApiError;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.vertx.core.json.JsonObject;

/** What OpenAI's API takes and what it refuses, with the param and code of its 400. */
class OpenAiRequestRulesTest {

    private static final String USER = "{'role':'user','content':'hi'}";

    @ParameterizedTest
    @ValueSource(strings = {
        "{'model':'m','messages':[" + USER + "]}",
        "{'model':'m','messages':[{'role':'developer','content':'be brief'}," + USER + "],'temperature':0.2,'top_p':1,'max_tokens':5,"
                + "'n':1,'stop':['x','y'],'seed':7,'user':'u','logprobs':true,'top_logprobs':3,'metadata':{'a':'b'},'store':false}",
        "{'model':'m','stream':true,'stream_options':{'include_usage':true},'messages':[" + USER + "]}",
        "{'model':'m','messages':[{'role':'user','content':[{'type':'text','text':'what is this?'},"
                + "{'type':'image_url','image_url':{'url':'https://example.com/a.png','detail':'low'}}]}]}",
        "{'model':'m','messages':[" + USER + ",{'role':'assistant','content':null,'tool_calls':[{'id':'call_1','type':'function',"
                + "'function':{'name':'get_weather','arguments':'{}'}}]},{'role':'tool','tool_call_id':'call_1','content':'sunny'}],"
                + "'tools':[{'type':'function','function':{'name':'get_weather','parameters':{'type':'object'}}}],'tool_choice':'auto',"
                + "'parallel_tool_calls':false}",
        "{'model':'m','messages':[" + USER + "],'tool_choice':{'type':'function','function':{'name':'f'}},"
                + "'tools':[{'type':'function','function':{'name':'f'}}]}",
        "{'model':'m','messages':[" + USER + "],'response_format':{'type':'json_schema','json_schema':{'name':'answer','schema':{}}}}",
    })
    void chatRequestsOpenAiTakes(String body) {
        assertThat(OpenAiRequestRules.check(Operation.CHAT, json(body))).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'model':'m'}                                                            | messages                | missing_required_parameter",
        "{'model':'m','messages':'hi'}                                            | messages                | invalid_type",
        "{'model':'m','messages':[]}                                              | messages                | empty_array",
        "{'model':'m','messages':['hi']}                                          | messages[0]             | invalid_type",
        "{'model':'m','messages':[{'content':'hi'}]}                              | messages[0].role        | missing_required_parameter",
        "{'model':'m','messages':[{'role':'robot','content':'hi'}]}               | messages[0].role        | invalid_value",
        "{'model':'m','messages':[{'role':'user'}]}                               | messages[0].content     | missing_required_parameter",
        "{'model':'m','messages':[{'role':'user','content':7}]}                   | messages[0].content     | invalid_type",
        "{'model':'m','messages':[{'role':'user','content':[{'type':'video'}]}]}  | messages[0].content[0].type | invalid_value",
        "{'model':'m','messages':[{'role':'tool','content':'sunny'}]}             | messages[0].tool_call_id | missing_required_parameter",
        "{'model':'m','messages':[" + USER + "],'temperature':2.5}                | temperature             | decimal_above_max_value",
        "{'model':'m','messages':[" + USER + "],'temperature':'warm'}             | temperature             | invalid_type",
        "{'model':'m','messages':[" + USER + "],'max_tokens':0}                   | max_tokens              | integer_below_min_value",
        "{'model':'m','messages':[" + USER + "],'n':1.5}                          | n                       | invalid_type",
        "{'model':'m','messages':[" + USER + "],'stop':['a','b','c','d','e']}     | stop                    | array_above_max_length",
        "{'model':'m','messages':[" + USER + "],'stream_options':{}}              | stream_options          | invalid_value",
        "{'model':'m','messages':[" + USER + "],'tools':[{'type':'function','function':{'name':'two words'}}]} | tools[0].function.name | invalid_value",
        "{'model':'m','messages':[" + USER + "],'tool_choice':'sometimes'}        | tool_choice             | invalid_value",
        "{'model':'m','messages':[" + USER + "],'response_format':{'type':'xml'}} | response_format.type    | invalid_value",
    })
    void chatRequestsOpenAiRefuses(String body, String param, String code) {
        ApiError error = OpenAiRequestRules.check(Operation.CHAT, json(body));

        assertThat(error).as(body).isNotNull();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.code()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = { "{'model':'m','messages':[" + USER + "],'temprature':1}", "{'model':'m','prompt':'hi','messages':[]}" })
    void unknownParametersAreRefusedAsOpenAiRefusesThem(String body) {
        ApiError error = OpenAiRequestRules.check(Operation.CHAT, json(body));

        assertThat(error.message()).startsWith("Unrecognized request argument supplied: ");
        assertThat(error.param()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "COMPLETIONS | {'model':'m','prompt':'hi','max_tokens':5,'echo':false} | |",
        "COMPLETIONS | {'model':'m'}                                            | prompt          | missing_required_parameter",
        "COMPLETIONS | {'model':'m','prompt':{'text':'hi'}}                     | prompt          | invalid_type",
        "EMBEDDINGS  | {'model':'m','input':['a','b'],'dimensions':8}           | |",
        "EMBEDDINGS  | {'model':'m','input':[1,2,3]}                            | |",
        "EMBEDDINGS  | {'model':'m'}                                            | input           | missing_required_parameter",
        "EMBEDDINGS  | {'model':'m','input':[]}                                 | input           | empty_array",
        "EMBEDDINGS  | {'model':'m','input':'a','encoding_format':'int8'}       | encoding_format | invalid_value",
        "EMBEDDINGS  | {'model':'m','input':'a','dimensions':0}                 | dimensions      | integer_below_min_value",
    })
    void completionsAndEmbeddings(Operation operation, String body, String param, String code) {
        ApiError error = OpenAiRequestRules.check(operation, json(body));

        if (code == null) {
            assertThat(error).as(body).isNull();
        } else {
            assertThat(error).as(body).isNotNull();
            assertThat(error.param()).isEqualTo(param);
            assertThat(error.code()).isEqualTo(code);
        }
    }

    private static JsonObject json(String singleQuoted) {
        return new JsonObject(singleQuoted.replace('\'', '"'));
    }
}
