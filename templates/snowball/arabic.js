/* Snowball 3.1.1 JavaScript stemmer, wrapped as a classic script by
 * generator/search/vendor_snowball.py.  BSD-3-Clause: see LICENSE beside this file. */
(function () {
'use strict';
// Generated from arabic.sbl by Snowball 3.1.1 - https://snowballstem.org/

// deno-lint-ignore-file ban-unused-ignore no-constant-condition no-empty prefer-const

const a_0 = [
    ["\u0640", 1],
    ["\u064B", 1],
    ["\u064C", 1],
    ["\u064D", 1],
    ["\u064E", 1],
    ["\u064F", 1],
    ["\u0650", 1],
    ["\u0651", 1],
    ["\u0652", 1],
    ["\u0660", 2],
    ["\u0661", 3],
    ["\u0662", 4],
    ["\u0663", 5],
    ["\u0664", 6],
    ["\u0665", 7],
    ["\u0666", 8],
    ["\u0667", 9],
    ["\u0668", 10],
    ["\u0669", 11],
    ["\uFE80", 12],
    ["\uFE81", 16],
    ["\uFE82", 16],
    ["\uFE83", 13],
    ["\uFE84", 13],
    ["\uFE85", 17],
    ["\uFE86", 17],
    ["\uFE87", 14],
    ["\uFE88", 14],
    ["\uFE89", 15],
    ["\uFE8A", 15],
    ["\uFE8B", 15],
    ["\uFE8C", 15],
    ["\uFE8D", 18],
    ["\uFE8E", 18],
    ["\uFE8F", 19],
    ["\uFE90", 19],
    ["\uFE91", 19],
    ["\uFE92", 19],
    ["\uFE93", 20],
    ["\uFE94", 20],
    ["\uFE95", 21],
    ["\uFE96", 21],
    ["\uFE97", 21],
    ["\uFE98", 21],
    ["\uFE99", 22],
    ["\uFE9A", 22],
    ["\uFE9B", 22],
    ["\uFE9C", 22],
    ["\uFE9D", 23],
    ["\uFE9E", 23],
    ["\uFE9F", 23],
    ["\uFEA0", 23],
    ["\uFEA1", 24],
    ["\uFEA2", 24],
    ["\uFEA3", 24],
    ["\uFEA4", 24],
    ["\uFEA5", 25],
    ["\uFEA6", 25],
    ["\uFEA7", 25],
    ["\uFEA8", 25],
    ["\uFEA9", 26],
    ["\uFEAA", 26],
    ["\uFEAB", 27],
    ["\uFEAC", 27],
    ["\uFEAD", 28],
    ["\uFEAE", 28],
    ["\uFEAF", 29],
    ["\uFEB0", 29],
    ["\uFEB1", 30],
    ["\uFEB2", 30],
    ["\uFEB3", 30],
    ["\uFEB4", 30],
    ["\uFEB5", 31],
    ["\uFEB6", 31],
    ["\uFEB7", 31],
    ["\uFEB8", 31],
    ["\uFEB9", 32],
    ["\uFEBA", 32],
    ["\uFEBB", 32],
    ["\uFEBC", 32],
    ["\uFEBD", 33],
    ["\uFEBE", 33],
    ["\uFEBF", 33],
    ["\uFEC0", 33],
    ["\uFEC1", 34],
    ["\uFEC2", 34],
    ["\uFEC3", 34],
    ["\uFEC4", 34],
    ["\uFEC5", 35],
    ["\uFEC6", 35],
    ["\uFEC7", 35],
    ["\uFEC8", 35],
    ["\uFEC9", 36],
    ["\uFECA", 36],
    ["\uFECB", 36],
    ["\uFECC", 36],
    ["\uFECD", 37],
    ["\uFECE", 37],
    ["\uFECF", 37],
    ["\uFED0", 37],
    ["\uFED1", 38],
    ["\uFED2", 38],
    ["\uFED3", 38],
    ["\uFED4", 38],
    ["\uFED5", 39],
    ["\uFED6", 39],
    ["\uFED7", 39],
    ["\uFED8", 39],
    ["\uFED9", 40],
    ["\uFEDA", 40],
    ["\uFEDB", 40],
    ["\uFEDC", 40],
    ["\uFEDD", 41],
    ["\uFEDE", 41],
    ["\uFEDF", 41],
    ["\uFEE0", 41],
    ["\uFEE1", 42],
    ["\uFEE2", 42],
    ["\uFEE3", 42],
    ["\uFEE4", 42],
    ["\uFEE5", 43],
    ["\uFEE6", 43],
    ["\uFEE7", 43],
    ["\uFEE8", 43],
    ["\uFEE9", 44],
    ["\uFEEA", 44],
    ["\uFEEB", 44],
    ["\uFEEC", 44],
    ["\uFEED", 45],
    ["\uFEEE", 45],
    ["\uFEEF", 46],
    ["\uFEF0", 46],
    ["\uFEF1", 47],
    ["\uFEF2", 47],
    ["\uFEF3", 47],
    ["\uFEF4", 47],
    ["\uFEF5", 51],
    ["\uFEF6", 51],
    ["\uFEF7", 49],
    ["\uFEF8", 49],
    ["\uFEF9", 50],
    ["\uFEFA", 50],
    ["\uFEFB", 48],
    ["\uFEFC", 48]
];

const /** Array<string> */ as_0 = ["", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\u0621", "\u0623", "\u0625", "\u0626", "\u0622", "\u0624", "\u0627", "\u0628", "\u0629", "\u062A", "\u062B", "\u062C", "\u062D", "\u062E", "\u062F", "\u0630", "\u0631", "\u0632", "\u0633", "\u0634", "\u0635", "\u0636", "\u0637", "\u0638", "\u0639", "\u063A", "\u0641", "\u0642", "\u0643", "\u0644", "\u0645", "\u0646", "\u0647", "\u0648", "\u0649", "\u064A", "\u0644\u0627", "\u0644\u0623", "\u0644\u0625", "\u0644\u0622"];

const a_1 = [
    ["\u0622", 1],
    ["\u0623", 1],
    ["\u0624", 1],
    ["\u0625", 1],
    ["\u0626", 1]
];

const a_2 = [
    ["\u0622", 1],
    ["\u0623", 1],
    ["\u0624", 2],
    ["\u0625", 1],
    ["\u0626", 3]
];

const /** Array<string> */ as_2 = ["\u0627", "\u0648", "\u064A"];

const a_3 = [
    ["\u0627\u0644", 2],
    ["\u0628\u0627\u0644", 1],
    ["\u0643\u0627\u0644", 1],
    ["\u0644\u0644", 2]
];

const a_4 = [
    ["\u0623\u0622", 2],
    ["\u0623\u0623", 1],
    ["\u0623\u0624", 1],
    ["\u0623\u0625", 4],
    ["\u0623\u0627", 3]
];

const a_5 = [
    ["\u0641", 1],
    ["\u0648", 1]
];

const a_6 = [
    ["\u0627\u0644", 2],
    ["\u0628\u0627\u0644", 1],
    ["\u0643\u0627\u0644", 1],
    ["\u0644\u0644", 2]
];

const a_7 = [
    ["\u0628", 1],
    ["\u0628\u0627", -1, 1],
    ["\u0628\u0628", 2, 2],
    ["\u0643\u0643", 3]
];

const a_8 = [
    ["\u0633\u0623", 4],
    ["\u0633\u062A", 2],
    ["\u0633\u0646", 3],
    ["\u0633\u064A", 1]
];

const a_9 = [
    ["\u062A\u0633\u062A", 1],
    ["\u0646\u0633\u062A", 1],
    ["\u064A\u0633\u062A", 1]
];

const a_10 = [
    ["\u0643\u0645\u0627", 3],
    ["\u0647\u0645\u0627", 3],
    ["\u0646\u0627", 2],
    ["\u0647\u0627", 2],
    ["\u0643", 1],
    ["\u0643\u0645", 2],
    ["\u0647\u0645", 2],
    ["\u0647\u0646", 2],
    ["\u0647", 1],
    ["\u064A", 1]
];

const a_11 = [
    ["\u0627", 1],
    ["\u0648", 1],
    ["\u064A", 1]
];

const a_12 = [
    ["\u0643\u0645\u0627", 3],
    ["\u0647\u0645\u0627", 3],
    ["\u0646\u0627", 2],
    ["\u0647\u0627", 2],
    ["\u0643", 1],
    ["\u0643\u0645", 2],
    ["\u0647\u0645", 2],
    ["\u0643\u0646", 2],
    ["\u0647\u0646", 2],
    ["\u0647", 1],
    ["\u0643\u0645\u0648", 3],
    ["\u0646\u064A", 2]
];

const a_13 = [
    ["\u0627", 1],
    ["\u062A\u0627", 2, 1],
    ["\u062A\u0645\u0627", 4, 2],
    ["\u0646\u0627", 2, 3],
    ["\u062A", 1],
    ["\u0646", 1],
    ["\u0627\u0646", 3, 1],
    ["\u062A\u0646", 2, 2],
    ["\u0648\u0646", 3, 3],
    ["\u064A\u0646", 3, 4],
    ["\u064A", 1]
];

const a_14 = [
    ["\u0648\u0627", 1],
    ["\u062A\u0645", 1]
];

const a_15 = [
    ["\u0648", 1],
    ["\u062A\u0645\u0648", 2, 1]
];

const B = __archiveSearch.data.get("s/base");

__as("s/arabic", class extends B {

    #B_is_defined/** boolean */ = false;
    #B_is_verb/** boolean */ = false;
    #B_is_noun/** boolean */ = false;


    /** @return {boolean} */
    #r_Normalize_pre() {
        let /** number */ a;
        const /** number */ v_1 = this.c;
        // deno-lint-ignore no-unused-labels
        lab0: {
            while (true) {
                const /** number */ v_2 = this.c;
                // deno-lint-ignore no-unused-labels
                lab1: {
                    // deno-lint-ignore no-unused-labels
                    lab2: {
                        const /** number */ v_3 = this.c;
                        // deno-lint-ignore no-unused-labels
                        lab3: {
                            this.bra = this.c;
                            a = this.find_among(a_0);
                            if (a === 0) break lab3;
                            this.ket = this.c;
                            this.slice_from(as_0[a - 1]);
                            break lab2;
                        }
                        this.c = v_3;
                        if (this.c >= this.limit) break lab1;
                        this.c++;
                    }
                    continue;
                }
                this.c = v_2;
                break;
            }
        }
        this.c = v_1;
        return true;
    }

    /** @return {boolean} */
    #r_Normalize_post() {
        let /** number */ a;
        const /** number */ v_1 = this.c;
        // deno-lint-ignore no-unused-labels
        lab0: {
            this.limit_backward = this.c; this.c = this.limit;
            this.ket = this.c;
            if (this.find_among_b(a_1) === 0) break lab0;
            this.bra = this.c;
            this.slice_from("\u0621");
            this.c = this.limit_backward;
        }
        this.c = v_1;
        const /** number */ v_2 = this.c;
        // deno-lint-ignore no-unused-labels
        lab1: {
            while (true) {
                const /** number */ v_3 = this.c;
                // deno-lint-ignore no-unused-labels
                lab2: {
                    // deno-lint-ignore no-unused-labels
                    lab3: {
                        const /** number */ v_4 = this.c;
                        // deno-lint-ignore no-unused-labels
                        lab4: {
                            this.bra = this.c;
                            a = this.find_among(a_2);
                            if (a === 0) break lab4;
                            this.ket = this.c;
                            this.slice_from(as_2[a - 1]);
                            break lab3;
                        }
                        this.c = v_4;
                        if (this.c >= this.limit) break lab2;
                        this.c++;
                    }
                    continue;
                }
                this.c = v_3;
                break;
            }
        }
        this.c = v_2;
        return true;
    }

    /** @return {boolean} */
    #r_Checks1() {
        let /** number */ a;
        this.bra = this.c;
        a = this.find_among(a_3);
        if (a === 0) return false;
        this.ket = this.c;
        switch (a) {
            case 1: {
                if (this.current.length <= 4) return false;
                this.#B_is_noun = true;
                this.#B_is_verb = false;
                this.#B_is_defined = true;
                break;
            }
            case 2: {
                if (this.current.length <= 3) return false;
                this.#B_is_noun = true;
                this.#B_is_verb = false;
                this.#B_is_defined = true;
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Prefix_Step1() {
        let /** number */ a;
        this.bra = this.c;
        a = this.find_among(a_4);
        if (a === 0) return false;
        this.ket = this.c;
        switch (a) {
            case 1: {
                if (this.current.length <= 3) return false;
                this.slice_from("\u0623");
                break;
            }
            case 2: {
                if (this.current.length <= 3) return false;
                this.slice_from("\u0622");
                break;
            }
            case 3: {
                if (this.current.length <= 3) return false;
                this.slice_from("\u0627");
                break;
            }
            case 4: {
                if (this.current.length <= 3) return false;
                this.slice_from("\u0625");
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Prefix_Step2() {
        this.bra = this.c;
        if (this.find_among(a_5) === 0) return false;
        this.ket = this.c;
        if (this.current.length <= 3) return false;
        // deno-lint-ignore no-unused-labels
        lab0: {
            if (!(this.eq_s("\u0627"))) break lab0;
            return false;
        }
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_Prefix_Step3a_Noun() {
        let /** number */ a;
        this.bra = this.c;
        a = this.find_among(a_6);
        if (a === 0) return false;
        this.ket = this.c;
        switch (a) {
            case 1: {
                if (this.current.length <= 5) return false;
                this.slice_del();
                break;
            }
            case 2: {
                if (this.current.length <= 4) return false;
                this.slice_del();
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Prefix_Step3b_Noun() {
        let /** number */ a;
        this.bra = this.c;
        a = this.find_among(a_7);
        if (a === 0) return false;
        this.ket = this.c;
        switch (a) {
            case 1: {
                if (this.current.length <= 3) return false;
                this.slice_del();
                break;
            }
            case 2: {
                if (this.current.length <= 3) return false;
                this.slice_from("\u0628");
                break;
            }
            case 3: {
                if (this.current.length <= 3) return false;
                this.slice_from("\u0643");
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Prefix_Step3_Verb() {
        let /** number */ a;
        this.bra = this.c;
        a = this.find_among(a_8);
        if (a === 0) return false;
        this.ket = this.c;
        switch (a) {
            case 1: {
                if (this.current.length <= 4) return false;
                this.slice_from("\u064A");
                break;
            }
            case 2: {
                if (this.current.length <= 4) return false;
                this.slice_from("\u062A");
                break;
            }
            case 3: {
                if (this.current.length <= 4) return false;
                this.slice_from("\u0646");
                break;
            }
            case 4: {
                if (this.current.length <= 4) return false;
                this.slice_from("\u0623");
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Prefix_Step4_Verb() {
        this.bra = this.c;
        if (this.find_among(a_9) === 0) return false;
        this.ket = this.c;
        if (this.current.length <= 4) return false;
        this.#B_is_verb = true;
        this.#B_is_noun = false;
        this.slice_from("\u0627\u0633\u062A");
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Noun_Step1a() {
        let /** number */ a;
        this.ket = this.c;
        a = this.find_among_b(a_10);
        if (a === 0) return false;
        this.bra = this.c;
        switch (a) {
            case 1: {
                if (this.current.length < 4) return false;
                this.slice_del();
                break;
            }
            case 2: {
                if (this.current.length < 5) return false;
                this.slice_del();
                break;
            }
            case 3: {
                if (this.current.length < 6) return false;
                this.slice_del();
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Noun_Step1b() {
        this.ket = this.c;
        if (!(this.eq_s_b("\u0646"))) return false;
        this.bra = this.c;
        if (this.current.length <= 5) return false;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Noun_Step2a() {
        this.ket = this.c;
        if (this.find_among_b(a_11) === 0) return false;
        this.bra = this.c;
        if (this.current.length <= 4) return false;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Noun_Step2b() {
        this.ket = this.c;
        if (!(this.eq_s_b("\u0627\u062A"))) return false;
        this.bra = this.c;
        if (this.current.length < 5) return false;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Noun_Step2c1() {
        this.ket = this.c;
        if (!(this.eq_s_b("\u062A"))) return false;
        this.bra = this.c;
        if (this.current.length < 4) return false;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Noun_Step2c2() {
        this.ket = this.c;
        if (!(this.eq_s_b("\u0629"))) return false;
        this.bra = this.c;
        if (this.current.length < 4) return false;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Noun_Step3() {
        this.ket = this.c;
        if (!(this.eq_s_b("\u064A"))) return false;
        this.bra = this.c;
        if (this.current.length < 3) return false;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Verb_Step1() {
        let /** number */ a;
        this.ket = this.c;
        a = this.find_among_b(a_12);
        if (a === 0) return false;
        this.bra = this.c;
        switch (a) {
            case 1: {
                if (this.current.length < 4) return false;
                this.slice_del();
                break;
            }
            case 2: {
                if (this.current.length < 5) return false;
                this.slice_del();
                break;
            }
            case 3: {
                if (this.current.length < 6) return false;
                this.slice_del();
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Verb_Step2a() {
        let /** number */ a;
        this.ket = this.c;
        a = this.find_among_b(a_13);
        if (a === 0) return false;
        this.bra = this.c;
        switch (a) {
            case 1: {
                if (this.current.length < 4) return false;
                this.slice_del();
                break;
            }
            case 2: {
                if (this.current.length < 5) return false;
                this.slice_del();
                break;
            }
            case 3: {
                if (this.current.length <= 5) return false;
                this.slice_del();
                break;
            }
            case 4: {
                if (this.current.length < 6) return false;
                this.slice_del();
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Verb_Step2b() {
        this.ket = this.c;
        if (this.find_among_b(a_14) === 0) return false;
        this.bra = this.c;
        if (this.current.length < 5) return false;
        this.slice_del();
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_Verb_Step2c() {
        let /** number */ a;
        this.ket = this.c;
        a = this.find_among_b(a_15);
        if (a === 0) return false;
        this.bra = this.c;
        switch (a) {
            case 1: {
                if (this.current.length < 4) return false;
                this.slice_del();
                break;
            }
            case 2: {
                if (this.current.length < 6) return false;
                this.slice_del();
                break;
            }
        }
        return true;
    }

    /** @return {boolean} */
    #r_Suffix_All_alef_maqsura() {
        this.ket = this.c;
        if (!(this.eq_s_b("\u0649"))) return false;
        this.bra = this.c;
        this.slice_from("\u064A");
        return true;
    }

    /** @return {boolean} */
    #stem() {
        this.#B_is_noun = true;
        this.#B_is_verb = true;
        this.#B_is_defined = false;
        const /** number */ v_1 = this.c;
        this.#r_Checks1();
        this.c = v_1;
        this.#r_Normalize_pre();
        this.limit_backward = this.c; this.c = this.limit;
        const /** number */ v_2 = this.limit - this.c;
        // deno-lint-ignore no-unused-labels
        lab0: {
            // deno-lint-ignore no-unused-labels
            lab1: {
                const /** number */ v_3 = this.limit - this.c;
                // deno-lint-ignore no-unused-labels
                lab2: {
                    if (!this.#B_is_verb) break lab2;
                    // deno-lint-ignore no-unused-labels
                    lab3: {
                        const /** number */ v_4 = this.limit - this.c;
                        // deno-lint-ignore no-unused-labels
                        lab4: {
                            {
                                let v_5 = 1;
                                while (true) {
                                    const /** number */ v_6 = this.limit - this.c;
                                    // deno-lint-ignore no-unused-labels
                                    lab5: {
                                        if (!this.#r_Suffix_Verb_Step1()) break lab5;
                                        v_5--;
                                        continue;
                                    }
                                    this.c = this.limit - v_6;
                                    break;
                                }
                                if (v_5 > 0) break lab4;
                            }
                            // deno-lint-ignore no-unused-labels
                            lab6: {
                                const /** number */ v_7 = this.limit - this.c;
                                // deno-lint-ignore no-unused-labels
                                lab7: {
                                    if (!this.#r_Suffix_Verb_Step2a()) break lab7;
                                    break lab6;
                                }
                                this.c = this.limit - v_7;
                                // deno-lint-ignore no-unused-labels
                                lab8: {
                                    if (!this.#r_Suffix_Verb_Step2c()) break lab8;
                                    break lab6;
                                }
                                this.c = this.limit - v_7;
                                if (this.c <= this.limit_backward) break lab4;
                                this.c--;
                            }
                            break lab3;
                        }
                        this.c = this.limit - v_4;
                        // deno-lint-ignore no-unused-labels
                        lab9: {
                            if (!this.#r_Suffix_Verb_Step2b()) break lab9;
                            break lab3;
                        }
                        this.c = this.limit - v_4;
                        if (!this.#r_Suffix_Verb_Step2a()) break lab2;
                    }
                    break lab1;
                }
                this.c = this.limit - v_3;
                // deno-lint-ignore no-unused-labels
                lab10: {
                    if (!this.#B_is_noun) break lab10;
                    const /** number */ v_8 = this.limit - this.c;
                    // deno-lint-ignore no-unused-labels
                    lab11: {
                        // deno-lint-ignore no-unused-labels
                        lab12: {
                            const /** number */ v_9 = this.limit - this.c;
                            // deno-lint-ignore no-unused-labels
                            lab13: {
                                if (!this.#r_Suffix_Noun_Step2c2()) break lab13;
                                break lab12;
                            }
                            this.c = this.limit - v_9;
                            // deno-lint-ignore no-unused-labels
                            lab14: {
                                if (this.#B_is_defined) break lab14;
                                if (!this.#r_Suffix_Noun_Step1a()) break lab14;
                                // deno-lint-ignore no-unused-labels
                                lab15: {
                                    const /** number */ v_10 = this.limit - this.c;
                                    // deno-lint-ignore no-unused-labels
                                    lab16: {
                                        if (!this.#r_Suffix_Noun_Step2a()) break lab16;
                                        break lab15;
                                    }
                                    this.c = this.limit - v_10;
                                    // deno-lint-ignore no-unused-labels
                                    lab17: {
                                        if (!this.#r_Suffix_Noun_Step2b()) break lab17;
                                        break lab15;
                                    }
                                    this.c = this.limit - v_10;
                                    // deno-lint-ignore no-unused-labels
                                    lab18: {
                                        if (!this.#r_Suffix_Noun_Step2c1()) break lab18;
                                        break lab15;
                                    }
                                    this.c = this.limit - v_10;
                                    if (this.c <= this.limit_backward) break lab14;
                                    this.c--;
                                }
                                break lab12;
                            }
                            this.c = this.limit - v_9;
                            // deno-lint-ignore no-unused-labels
                            lab19: {
                                if (!this.#r_Suffix_Noun_Step1b()) break lab19;
                                // deno-lint-ignore no-unused-labels
                                lab20: {
                                    const /** number */ v_11 = this.limit - this.c;
                                    // deno-lint-ignore no-unused-labels
                                    lab21: {
                                        if (!this.#r_Suffix_Noun_Step2a()) break lab21;
                                        break lab20;
                                    }
                                    this.c = this.limit - v_11;
                                    // deno-lint-ignore no-unused-labels
                                    lab22: {
                                        if (!this.#r_Suffix_Noun_Step2b()) break lab22;
                                        break lab20;
                                    }
                                    this.c = this.limit - v_11;
                                    if (!this.#r_Suffix_Noun_Step2c1()) break lab19;
                                }
                                break lab12;
                            }
                            this.c = this.limit - v_9;
                            // deno-lint-ignore no-unused-labels
                            lab23: {
                                if (this.#B_is_defined) break lab23;
                                if (!this.#r_Suffix_Noun_Step2a()) break lab23;
                                break lab12;
                            }
                            this.c = this.limit - v_9;
                            if (!this.#r_Suffix_Noun_Step2b()) {
                                this.c = this.limit - v_8;
                                break lab11;
                            }
                        }
                    }
                    if (!this.#r_Suffix_Noun_Step3()) break lab10;
                    break lab1;
                }
                this.c = this.limit - v_3;
                if (!this.#r_Suffix_All_alef_maqsura()) break lab0;
            }
        }
        this.c = this.limit - v_2;
        this.c = this.limit_backward;
        const /** number */ v_12 = this.c;
        // deno-lint-ignore no-unused-labels
        lab24: {
            const /** number */ v_13 = this.c;
            // deno-lint-ignore no-unused-labels
            lab25: {
                if (!this.#r_Prefix_Step1()) {
                    this.c = v_13;
                    break lab25;
                }
            }
            const /** number */ v_14 = this.c;
            // deno-lint-ignore no-unused-labels
            lab26: {
                if (!this.#r_Prefix_Step2()) {
                    this.c = v_14;
                    break lab26;
                }
            }
            // deno-lint-ignore no-unused-labels
            lab27: {
                const /** number */ v_15 = this.c;
                // deno-lint-ignore no-unused-labels
                lab28: {
                    if (!this.#r_Prefix_Step3a_Noun()) break lab28;
                    break lab27;
                }
                this.c = v_15;
                // deno-lint-ignore no-unused-labels
                lab29: {
                    if (!this.#B_is_noun) break lab29;
                    if (!this.#r_Prefix_Step3b_Noun()) break lab29;
                    break lab27;
                }
                this.c = v_15;
                if (!this.#B_is_verb) break lab24;
                const /** number */ v_16 = this.c;
                // deno-lint-ignore no-unused-labels
                lab30: {
                    if (!this.#r_Prefix_Step3_Verb()) {
                        this.c = v_16;
                        break lab30;
                    }
                }
                if (!this.#r_Prefix_Step4_Verb()) break lab24;
            }
        }
        this.c = v_12;
        this.#r_Normalize_post();
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
