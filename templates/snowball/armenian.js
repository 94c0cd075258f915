/* Snowball 3.1.1 JavaScript stemmer, wrapped as a classic script by
 * generator/search/vendor_snowball.py.  BSD-3-Clause: see LICENSE beside this file. */
(function () {
'use strict';
// Generated from armenian.sbl by Snowball 3.1.1 - https://snowballstem.org/

// deno-lint-ignore-file ban-unused-ignore no-constant-condition no-empty prefer-const

const a_0 = [
    ["\u0580\u0578\u0580\u0564", 1],
    ["\u0565\u0580\u0578\u0580\u0564", 1, 1],
    ["\u0561\u056C\u056B", 1],
    ["\u0561\u056F\u056B", 1],
    ["\u0578\u0580\u0561\u056F", 1],
    ["\u0565\u0572", 1],
    ["\u0561\u056F\u0561\u0576", 1],
    ["\u0561\u0580\u0561\u0576", 1],
    ["\u0565\u0576", 1],
    ["\u0565\u056F\u0565\u0576", 1, 1],
    ["\u0565\u0580\u0565\u0576", 1, 2],
    ["\u0578\u0580\u0567\u0576", 1],
    ["\u056B\u0576", 1],
    ["\u0563\u056B\u0576", 1, 1],
    ["\u0578\u057E\u056B\u0576", 1, 2],
    ["\u056C\u0561\u0575\u0576", 1],
    ["\u057E\u0578\u0582\u0576", 1],
    ["\u057A\u0565\u057D", 1],
    ["\u056B\u057E", 1],
    ["\u0561\u057F", 1],
    ["\u0561\u057E\u0565\u057F", 1],
    ["\u056F\u0578\u057F", 1],
    ["\u0562\u0561\u0580", 1]
];

const a_1 = [
    ["\u0561", 1],
    ["\u0561\u0581\u0561", 1, 1],
    ["\u0565\u0581\u0561", 1, 2],
    ["\u057E\u0565", 1],
    ["\u0561\u0581\u0580\u056B", 1],
    ["\u0561\u0581\u056B", 1],
    ["\u0565\u0581\u056B", 1],
    ["\u057E\u0565\u0581\u056B", 1, 1],
    ["\u0561\u056C", 1],
    ["\u0568\u0561\u056C", 1, 1],
    ["\u0561\u0576\u0561\u056C", 1, 2],
    ["\u0565\u0576\u0561\u056C", 1, 3],
    ["\u0561\u0581\u0576\u0561\u056C", 1, 4],
    ["\u0565\u056C", 1],
    ["\u0568\u0565\u056C", 1, 1],
    ["\u0576\u0565\u056C", 1, 2],
    ["\u0581\u0576\u0565\u056C", 1, 1],
    ["\u0565\u0581\u0576\u0565\u056C", 1, 1],
    ["\u0579\u0565\u056C", 1, 5],
    ["\u057E\u0565\u056C", 1, 6],
    ["\u0561\u0581\u057E\u0565\u056C", 1, 1],
    ["\u0565\u0581\u057E\u0565\u056C", 1, 2],
    ["\u057F\u0565\u056C", 1, 9],
    ["\u0561\u057F\u0565\u056C", 1, 1],
    ["\u0578\u057F\u0565\u056C", 1, 2],
    ["\u056F\u0578\u057F\u0565\u056C", 1, 1],
    ["\u057E\u0561\u056E", 1],
    ["\u0578\u0582\u0574", 1],
    ["\u057E\u0578\u0582\u0574", 1, 1],
    ["\u0561\u0576", 1],
    ["\u0581\u0561\u0576", 1, 1],
    ["\u0561\u0581\u0561\u0576", 1, 1],
    ["\u0561\u0581\u0580\u056B\u0576", 1],
    ["\u0561\u0581\u056B\u0576", 1],
    ["\u0565\u0581\u056B\u0576", 1],
    ["\u057E\u0565\u0581\u056B\u0576", 1, 1],
    ["\u0561\u056C\u056B\u057D", 1],
    ["\u0565\u056C\u056B\u057D", 1],
    ["\u0561\u057E", 1],
    ["\u0561\u0581\u0561\u057E", 1, 1],
    ["\u0565\u0581\u0561\u057E", 1, 2],
    ["\u0561\u056C\u0578\u057E", 1],
    ["\u0565\u056C\u0578\u057E", 1],
    ["\u0561\u0580", 1],
    ["\u0561\u0581\u0561\u0580", 1, 1],
    ["\u0565\u0581\u0561\u0580", 1, 2],
    ["\u0561\u0581\u0580\u056B\u0580", 1],
    ["\u0561\u0581\u056B\u0580", 1],
    ["\u0565\u0581\u056B\u0580", 1],
    ["\u057E\u0565\u0581\u056B\u0580", 1, 1],
    ["\u0561\u0581", 1],
    ["\u0565\u0581", 1],
    ["\u0561\u0581\u0580\u0565\u0581", 1, 1],
    ["\u0561\u056C\u0578\u0582\u0581", 1],
    ["\u0565\u056C\u0578\u0582\u0581", 1],
    ["\u0561\u056C\u0578\u0582", 1],
    ["\u0565\u056C\u0578\u0582", 1],
    ["\u0561\u0584", 1],
    ["\u0581\u0561\u0584", 1, 1],
    ["\u0561\u0581\u0561\u0584", 1, 1],
    ["\u0561\u0581\u0580\u056B\u0584", 1],
    ["\u0561\u0581\u056B\u0584", 1],
    ["\u0565\u0581\u056B\u0584", 1],
    ["\u057E\u0565\u0581\u056B\u0584", 1, 1],
    ["\u0561\u0576\u0584", 1],
    ["\u0581\u0561\u0576\u0584", 1, 1],
    ["\u0561\u0581\u0561\u0576\u0584", 1, 1],
    ["\u0561\u0581\u0580\u056B\u0576\u0584", 1],
    ["\u0561\u0581\u056B\u0576\u0584", 1],
    ["\u0565\u0581\u056B\u0576\u0584", 1],
    ["\u057E\u0565\u0581\u056B\u0576\u0584", 1, 1]
];

const a_2 = [
    ["\u0578\u0580\u0564", 1],
    ["\u0578\u0582\u0575\u0569", 1],
    ["\u0578\u0582\u0570\u056B", 1],
    ["\u0581\u056B", 1],
    ["\u056B\u056C", 1],
    ["\u0561\u056F", 1],
    ["\u0575\u0561\u056F", 1, 1],
    ["\u0561\u0576\u0561\u056F", 1, 2],
    ["\u056B\u056F", 1],
    ["\u0578\u0582\u056F", 1],
    ["\u0561\u0576", 1],
    ["\u057A\u0561\u0576", 1, 1],
    ["\u057D\u057F\u0561\u0576", 1, 2],
    ["\u0561\u0580\u0561\u0576", 1, 3],
    ["\u0565\u0572\u0567\u0576", 1],
    ["\u0575\u0578\u0582\u0576", 1],
    ["\u0578\u0582\u0569\u0575\u0578\u0582\u0576", 1, 1],
    ["\u0561\u056E\u0578", 1],
    ["\u056B\u0579", 1],
    ["\u0578\u0582\u057D", 1],
    ["\u0578\u0582\u057D\u057F", 1],
    ["\u0563\u0561\u0580", 1],
    ["\u057E\u0578\u0580", 1],
    ["\u0561\u057E\u0578\u0580", 1, 1],
    ["\u0578\u0581", 1],
    ["\u0561\u0576\u0585\u0581", 1],
    ["\u0578\u0582", 1],
    ["\u0584", 1],
    ["\u0579\u0565\u0584", 1, 1],
    ["\u056B\u0584", 1, 2],
    ["\u0561\u056C\u056B\u0584", 1, 1],
    ["\u0561\u0576\u056B\u0584", 1, 2],
    ["\u057E\u0561\u056E\u0584", 1, 5],
    ["\u0578\u0582\u0575\u0584", 1, 6],
    ["\u0565\u0576\u0584", 1, 7],
    ["\u0578\u0576\u0584", 1, 8],
    ["\u0578\u0582\u0576\u0584", 1, 9],
    ["\u0574\u0578\u0582\u0576\u0584", 1, 1],
    ["\u056B\u0579\u0584", 1, 11],
    ["\u0561\u0580\u0584", 1, 12]
];

const a_3 = [
    ["\u057D\u0561", 1],
    ["\u057E\u0561", 1],
    ["\u0561\u0574\u0562", 1],
    ["\u0564", 1],
    ["\u0561\u0576\u0564", 1, 1],
    ["\u0578\u0582\u0569\u0575\u0561\u0576\u0564", 1, 1],
    ["\u057E\u0561\u0576\u0564", 1, 2],
    ["\u0578\u057B\u0564", 1, 4],
    ["\u0565\u0580\u0564", 1, 5],
    ["\u0576\u0565\u0580\u0564", 1, 1],
    ["\u0578\u0582\u0564", 1, 7],
    ["\u0568", 1],
    ["\u0561\u0576\u0568", 1, 1],
    ["\u0578\u0582\u0569\u0575\u0561\u0576\u0568", 1, 1],
    ["\u057E\u0561\u0576\u0568", 1, 2],
    ["\u0578\u057B\u0568", 1, 4],
    ["\u0565\u0580\u0568", 1, 5],
    ["\u0576\u0565\u0580\u0568", 1, 1],
    ["\u056B", 1],
    ["\u057E\u056B", 1, 1],
    ["\u0565\u0580\u056B", 1, 2],
    ["\u0576\u0565\u0580\u056B", 1, 1],
    ["\u0561\u0576\u0578\u0582\u0574", 1],
    ["\u0565\u0580\u0578\u0582\u0574", 1],
    ["\u0576\u0565\u0580\u0578\u0582\u0574", 1, 1],
    ["\u0576", 1],
    ["\u0561\u0576", 1, 1],
    ["\u0578\u0582\u0569\u0575\u0561\u0576", 1, 1],
    ["\u057E\u0561\u0576", 1, 2],
    ["\u056B\u0576", 1, 4],
    ["\u0565\u0580\u056B\u0576", 1, 1],
    ["\u0576\u0565\u0580\u056B\u0576", 1, 1],
    ["\u0578\u0582\u0569\u0575\u0561\u0576\u0576", 1, 7],
    ["\u0565\u0580\u0576", 1, 8],
    ["\u0576\u0565\u0580\u0576", 1, 1],
    ["\u0578\u0582\u0576", 1, 10],
    ["\u0578\u057B", 1],
    ["\u0578\u0582\u0569\u0575\u0561\u0576\u057D", 1],
    ["\u057E\u0561\u0576\u057D", 1],
    ["\u0578\u057B\u057D", 1],
    ["\u0578\u057E", 1],
    ["\u0561\u0576\u0578\u057E", 1, 1],
    ["\u057E\u0578\u057E", 1, 2],
    ["\u0565\u0580\u0578\u057E", 1, 3],
    ["\u0576\u0565\u0580\u0578\u057E", 1, 1],
    ["\u0565\u0580", 1],
    ["\u0576\u0565\u0580", 1, 1],
    ["\u0581", 1],
    ["\u056B\u0581", 1, 1],
    ["\u057E\u0561\u0576\u056B\u0581", 1, 1],
    ["\u0578\u057B\u056B\u0581", 1, 2],
    ["\u057E\u056B\u0581", 1, 3],
    ["\u0565\u0580\u056B\u0581", 1, 4],
    ["\u0576\u0565\u0580\u056B\u0581", 1, 1],
    ["\u0581\u056B\u0581", 1, 6],
    ["\u0578\u0581", 1, 8],
    ["\u0578\u0582\u0581", 1, 9]
];

const /** Array<number> */ g_v = [209, 4, 128, 0, 18];

const B = __archiveSearch.data.get("s/base");

__as("s/armenian", class extends B {

    #I_p2/** number */ = 0;
    #I_pV/** number */ = 0;


    /** @return {boolean} */
    #r_mark_regions() {
        this.#I_pV = this.limit;
        this.#I_p2 = this.limit;
        const /** number */ v_1 = this.c;
        // deno-lint-ignore no-unused-labels
        lab0: {
            if (!this.go_out_grouping(g_v, 1377, 1413)) break lab0;
            this.c++;
            this.#I_pV = this.c;
            if (!this.go_in_grouping(g_v, 1377, 1413)) break lab0;
            this.c++;
            if (!this.go_out_grouping(g_v, 1377, 1413)) break lab0;
            this.c++;
            if (!this.go_in_grouping(g_v, 1377, 1413)) break lab0;
            this.c++;
            this.#I_p2 = this.c;
        }
        this.c = v_1;
        return true;
    }

    /** @return {boolean} */
    #r_adjective() {
        this.ket = this.c;
        if (this.find_among_b(a_0) === 0) return false;
        this.bra = this.c;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_verb() {
        this.ket = this.c;
        if (this.find_among_b(a_1) === 0) return false;
        this.bra = this.c;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_noun() {
        this.ket = this.c;
        if (this.find_among_b(a_2) === 0) return false;
        this.bra = this.c;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_ending() {
        this.ket = this.c;
        if (this.find_among_b(a_3) === 0) return false;
        this.bra = this.c;
        if (this.#I_p2 > this.c) return false;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #stem() {
        this.#r_mark_regions();
        this.limit_backward = this.c; this.c = this.limit;
        if (this.c < this.#I_pV) return false;
        const /** number */ v_1 = this.limit_backward;
        this.limit_backward = this.#I_pV;
        const /** number */ v_2 = this.limit - this.c;
        this.#r_ending();
        this.c = this.limit - v_2;
        const /** number */ v_3 = this.limit - this.c;
        this.#r_verb();
        this.c = this.limit - v_3;
        const /** number */ v_4 = this.limit - this.c;
        this.#r_adjective();
        this.c = this.limit - v_4;
        const /** number */ v_5 = this.limit - this.c;
        this.#r_noun();
        this.c = this.limit - v_5;
        this.limit_backward = v_1;
        this.c = this.limit_backward;
        return true;
    }

    /**@return{string}*/
    stem(/**string*/input) {
        this.setCurrent(input);
        this.#stem();
        return this.getCurrent();
    }

    stemWord = this.stem;
});
})();
